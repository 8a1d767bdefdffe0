"""E-invoices: UBL 2.1 (EN 16931, Peppol BIS Billing 3.0 with the Dutch NL-R rules) out and in.

``writer`` turns a finalized invoice's frozen snapshot into a UBL Invoice or CreditNote;
``reader`` turns a supplier's UBL file (or a PDF embedding one) into a proposed purchase
invoice. ``ubl`` holds what both share: the namespaces and the element helpers."""
