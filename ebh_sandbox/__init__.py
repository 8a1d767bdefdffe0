"""A standalone simulator of the e-Boekhouden.nl SOAP service (no Django).

Start it with ``python -m ebh_sandbox serve``; tests use :mod:`ebh_sandbox.testing`.
"""
