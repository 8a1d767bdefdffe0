"""A standalone simulator of the e-Boekhouden.nl SOAP service and REST API v1 (no Django).

Start it with ``python -m ebh_sandbox serve``; tests use :mod:`ebh_sandbox.testing`. Both
transports share one store (:mod:`ebh_sandbox.rest` for REST; README.md). It follows
``../shared/ebh/SOAP_API.md`` where e-Boekhouden's behaviour is documented: CMUT010 (excl + VAT
= incl) to the cent; CMUT010.1 within ``--vat-tolerance`` (default 0.01) of excl x percentage
rounded half-up; GetMutaties' cap of 500 rows; a description over 200 characters answered with
Mutatienummer 0 and no error code, nothing stored (as public clients report); left-out request
elements read as ASP.NET's XmlSerializer defaults (0, false, 0001-01-01, first enum value,
null), not a SOAP Fault. The codes it invents are listed in :mod:`ebh_sandbox.errors`.

Where the real service is unknown, the sandbox is stricter:

* BTWCode must fit BTWPercentage, BedragBTW and the booking date (CMUT011 on AddMutatie,
  CFACT042 on AddFactuur, where the date implies the percentage): ``*_21`` codes only at 21 %;
  HOOG_VERK / HOOG_INK at 19 % before 2012-10-01 and 21 % from then; ``LAAG_*_9`` only at 9 %
  and from 2019-01-01; LAAG_VERK / LAAG_INK only at 6 % and before 2019-01-01 (the manual lets
  them mean 9 % from 2019; we refuse that); GEEN and the sales codes without Dutch VAT
  (BU_EU_VERK, BI_EU_VERK, BI_EU_VERK_D, AFST_VERK, VERL_VERK, VERL_VERK_L9) only at 0 % with
  BedragBTW 0. The manual is silent on whether a purchase reverse-charge line carries the
  self-assessed VAT: VERL_INK and VERL_INK_L9 take 0 % with VAT 0, or their own 21 % / 9 %
  with matching VAT; BI_EU_INK and BU_EU_INK (0 % in the manual) only 0 % with VAT 0. AFW and
  AFW_VERK take any percentage. (SOAP_API.md §5.3 marks the check itself as unknown.)
* Relation codes and invoice numbers are unique regardless of case, as a SQL Server database
  with its default case-insensitive collation would have them: AddRelatie ``k001`` after
  ``K001`` is CREL001, ``f2026-1`` after ``F2026-1`` is CMUT019 (CMUT018 per supplier,
  CFACT026 on AddFactuur), a booking for ``k001`` is booked on ``K001``, and the Code,
  Factuurnummer and Relatiecode filters of GetRelaties, GetMutaties and GetFacturen match in
  any case.
* GetMutaties takes its 500 newest mutations before the MutatieNr, Factuurnummer and date
  filters (SOAP_API.md §3.13 reading (b)): those never find anything older. The one assumption
  in the lenient direction: a MutatieNrVan/MutatieNrTm window does reach older mutations (its
  newest 500, then the other filters), because otherwise no client could ever read old data.
* A left-out ``DatumTm`` reads as 0001-01-01 and so matches nothing.
* Unknown and repeated request elements are a SOAP Fault (``strict_schema``; ASP.NET skips
  them), to catch a client's typos.
* Bookings have the other choices listed in README.md (all settings in ``settings.py``).

REST (``../shared/ebh/REST_API.md`` and the OpenAPI document), where the sandbox is stricter
or had to assume:

* Writes pass the same rules as SOAP (the list above: VAT code against rate and date,
  case-insensitive codes and numbers, uniqueness shared across transports), plus REST's
  limits: a mutation description over 50 characters is refused (400 ``SANDBOX_VALIDATION``:
  the document's schema says ``maxLength: 50`` but its error table has no code), rows at most
  500 (MUT_101), relation code at most 15 (REL_006), name required (REL_002) and at most 100.
* VAT is computed by the sandbox, an assumption: per row, half-up to the cent, amount x rate
  / 100 (``inExVat`` EX) or amount x rate / (100 + rate) (IN), the rate of the code on the
  booking date; reverse-charge and 0 % codes carry none. ``vatAmount`` is taken only on AFW and
  AFW_VERK; on any other code it is refused (MUTA_003) where the service might ignore it.
* VAT codes: the NL table of the document, minus VERL_INK_L (unknown to the SOAP side) and
  without HOOG_VERK/HOOG_INK (not listed for REST): MUT_109. BI_EU_VERK stays a sales code.
* A mutation needs a description and ``inExVat`` (MUTA_005), an invoice kind also a term of
  payment, as on SOAP (the document marks them optional); a relation needs a code (REL_005;
  the document's example shows a generated one). PATCH /v1/relation needs ``name``, as the
  document's schema says. Amounts with more than two decimals are refused.
* POST /v1/invoice: ``inExVat`` EX only, no discounts, no ``vatAmount`` (sandbox code); a
  date is required (FACT_011).
* Unknown, revoked API token: 403 SECURITY_001 (the document names no code); expired: 403
  API_SESSION_004. Sessions end ``rest_session_lifetime_s`` after opening (fixed, not
  sliding), and at once when their token is revoked or expires: 401 SECURITY_010.
* Query strings: unknown or repeated parameters and operators unfit for a field are ERR_002
  (ASP.NET would ignore the unknown ones).
* Answers leave out fields without a value (the document types most of them non-null) and
  give a mutation's ``type`` as the schema's string enum ("2"; the examples show 2).
"""
