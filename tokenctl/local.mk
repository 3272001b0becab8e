# rules for tokenctl/
