"""GitHub collector: REST and GraphQL through PyGithub's requester, turned into domain records."""
