"""Reading a returned file without trusting it: bounds, reading, identity, file and row checks,
the bounded worker pool."""
