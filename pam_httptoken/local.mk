# rules for pam_httptoken/
