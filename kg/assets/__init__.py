"""Static files shipped in the package: vendor/ holds the JavaScript libraries `make vendor` installs from npm."""
