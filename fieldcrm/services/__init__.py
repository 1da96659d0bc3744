"""Use cases: each owns its transaction (one commit) and authorises the actor."""
