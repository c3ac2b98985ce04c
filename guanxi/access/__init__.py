"""The access layer: users and keys, branch scope, visibility, masking, the console guard
and the audit trail.

Every read and write that a person makes through the API, the pages, the console, an
export or a report passes through here (docs/security.md). It sits directly above the
gateway (``guanxi.graph``) and below scoring, services, the API and the CLI.
"""
