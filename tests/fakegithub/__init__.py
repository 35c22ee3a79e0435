"""A fake GitHub for tests: a real local HTTP server (`server`) over a data set (`dataset`)."""
