"""Intake has no admin: signals, gesprekken, scores and Meldcode steps are case content.

docs/permissions.md ("Admin"): case content is not in the admin, for anyone, superusers
included. These records are read and written in the application, through the selectors and
services that check per-case rights and log every read.
"""
