"""Tables: reading delimited files, column roles, built-in datasets, feature transforms."""
