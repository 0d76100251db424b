"""The applicants' pages (mounted at /applications/): their applications, starting one from a
call, each application's overview and sections, the consortium and the submission.

Views are thin: parse with ``programmes.forms``, call one service, render; a refusal re-renders
the page with the error at the field it names and nothing changed. An application the user may
not see is a 404 (``permissions.may_see_application``).
"""
