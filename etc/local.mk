# rules for etc/
