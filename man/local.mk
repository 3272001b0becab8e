# rules for man/
