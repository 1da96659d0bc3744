"""Who people are and what they may do: roles, the authorisation policy, password hashing."""
