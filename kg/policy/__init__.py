"""Document numbers, issuers and titles of cited policies: canonical forms and resolution."""
