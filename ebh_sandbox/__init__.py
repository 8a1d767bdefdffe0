"""A standalone simulator of the e-Boekhouden.nl SOAP service (no Django).

Start it with ``python -m ebh_sandbox serve``; tests use :mod:`ebh_sandbox.testing`. It follows
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
"""
