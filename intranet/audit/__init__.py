"""The audit log: who did what to what, when, from where.

Other apps call `audit.record(request, action, obj, **details)` for events worth
keeping, and `audit.record_confidential_read(request, case)` on every read of a
confidential case. Sign-ins, sign-outs, failed sign-ins, lockouts and permission changes
are recorded automatically (intranet/audit/signals.py)."""


def record(request_or_none, action, obj=None, **details):
    """Record one event; see intranet.audit.log.record."""
    from intranet.audit.log import record as _record

    return _record(request_or_none, action, obj, **details)


def record_confidential_read(request, obj, **details):
    """Record that request.user read the confidential object `obj`."""
    from intranet.audit.log import record_confidential_read as _read

    return _read(request, obj, **details)
