"""Who may see and do what: the role table, accounts, sessions, scopes and the access log.

`roles` (the table as data, `Actor`), `scopes` (a user's scope), `passwords` (argon2id),
`accounts` (managing accounts, demo accounts), `sessions` (login, resume, logout, lockout),
`audit` (the access log).
"""
