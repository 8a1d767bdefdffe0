"""Helpers of the import tests: relations seeded and changed in the sandbox, imports run."""

import datetime

import zeep

from connections.services import connection_session
from ebh_sandbox.testing import BINDING
from ebh_sync.models import ImportRun
from ebh_sync.services import import_start
from eboekhouden.client import RelationData


def seed(linked, *relations: RelationData) -> list[int]:
    """Create relations in the sandbox administration; their e-Boekhouden ids."""
    with connection_session(connection=linked.connection) as (client, session):
        return [client.add_relatie(session, relation) for relation in relations]


def update_in_ebh(linked, relation_id: int, code: str, **fields) -> None:
    """UpdateRelatie (a full overwrite), as a user editing the relation in e-Boekhouden."""
    service = zeep.Client(linked.sandbox.wsdl_url).create_service(
        BINDING, linked.sandbox.endpoint)
    codes = linked.account
    session_id = service.OpenSession(
        Username=codes["username"], SecurityCode1=codes["security_code_1"],
        SecurityCode2=codes["security_code_2"], Source="tests").SessionID
    result = service.UpdateRelatie(
        SessionID=session_id, SecurityCode2=codes["security_code_2"],
        oRel={"ID": relation_id, "AddDatum": datetime.date.today(), "Code": code, "BP": "B",
              "LA": "0", "Gb_ID": 0, "GeenEmail": 0, "NieuwsbriefgroepenCount": 0, **fields})
    assert not result.LastErrorCode, result.LastErrorDescription


def run_import(linked, capture, kind=ImportRun.Kind.RELATIONS) -> ImportRun:
    """Start an import and run its task (eagerly, on commit) to the end."""
    with capture(execute=True):
        run = import_start(connection=linked.connection, kind=kind,
                           trigger=ImportRun.Trigger.MANUAL)
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE, run.error
    return run
