"""The e-Boekhouden.nl protocols, as the product speaks them: the product's counterpart of
``ebh_sandbox`` (which plays the service).

* ``client``: the interface every transport implements (:class:`~eboekhouden.client.EbhClient`),
  its plain value types and its typed errors.
* ``soap``: the SOAP implementation (the only module that imports zeep).
* ``rest``: the REST implementation (API tokens, JSON over requests), with the VAT prediction
  of REST rows (e-Boekhouden computes each row's VAT itself).
* ``transport``: what both share about HTTP (which failures are ambiguous, safe links).
* ``messages`` and ``masking``: how the package's user messages get translated and how its
  secrets stay out of error reports, without the package knowing the web framework.

Nothing here imports Django: configuration (addresses, timeouts, the Source name) is passed
in by the caller (``connections.clients`` builds the configured client)."""
