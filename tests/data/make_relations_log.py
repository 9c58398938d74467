"""How ``relations_log_main_20e56cd.json`` was made: run with the code of main before the
relation store (at 20e56cd) first on the path, it drives that code's server over a real socket,
saving relations both ways (PersonService and CompanyService), and dumps its SQLite log::

    PYTHONPATH=/path/to/old/checkout python tests/data/make_relations_log.py STATE.sqlite OUT.json 'main 20e56cd'
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys

from mockserver.testing.client import create_client
from mockserver.testing.process import ServeProcess, serve_command


def main(db: str, out: str, written_by: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFSO_MOCK_")}
    proc = ServeProcess(["serve", "--host", "127.0.0.1", "--port", "0", "--quiet",
                         "--store", f"sqlite:{db}"],
                        command=serve_command(), env=env, timeout=60, banner=False)
    try:
        c = create_client(proc.url)
        c.login()
        P, C = c.persons, c.companies
        kari = P.SavePerson({"FirstName": "Kari", "LastName": "Nordmann"})
        ola = P.SavePerson({"FirstName": "Ola", "LastName": "Hansen"})
        assert P.MakeRelation({"ContactId": kari, "CustomerId": 123, "Title": "CFO",
                               "Email": "kari@kunde.no", "Phone": "22 00 00 01",
                               "Mobile": "900 00 001"})
        C.SaveRelations({"Relation": [{
            "ContactId": kari, "CompanyId": 10001, "Role": "Daglig leder", "RoleId": 4,
            "Fax": "22 00 00 09", "PhoneNumbers": {"Work": {"Value": "22 00 00 02"}},
            "EmailAddresses": {"Work": {"Value": "kari@leverandor.no"}}}]})
        C.SaveRelations({"Relation": [{"ContactId": ola, "CompanyId": 123, "Role": "Selger"}]})
        C.DeleteRelations({"Relation": [{"ContactId": ola, "CompanyId": 123}]})
        assert P.MakeRelation({"ContactId": ola, "CustomerId": 10001, "Title": "Innkjøper"})
        assert P.MakeRelation({"ContactId": ola, "CustomerId": 123, "Title": "Tidligere"})
        P.DeleteRelation(ola, 123)
        C.SaveCompanies({"Company": [{"Id": 10001, "Name": "Endret Leverandør AS"}]})
        P.SavePerson({"Id": kari, "Nickname": "KN"})
    finally:
        proc.stop()
    con = sqlite3.connect(db)
    rows = [[k, json.loads(b)] for k, b in con.execute("SELECT kind, body FROM log ORDER BY id")]
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"written_by": written_by, "rows": rows}, f, ensure_ascii=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])
