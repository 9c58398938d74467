"""Interpretations of the contacts' relations to companies (SPEC M2, M3; ``relations.py``) and
of PersonService's ``Authentication`` header (a sibling of ``interpretations``, which
re-exports every name here). Each constant is one row of the README's fidelity table marked
*interpretation*.
"""

from __future__ import annotations

__all__ = ["RELATIONS", "RELATION_MEMBERS", "PERSON_HEADER", "PERSON_OF_COMPANY"]

#: One relation per person and company, seen by both services (CompanyService's ``Relation``,
#: PersonService's ``RelationData``): the vendor documents neither rule, these are what a careful
#: integrator expects. Both the person and the company must exist (an unknown one: the Server
#: fault "Company|Person with Id N was not found.", or MakeRelation's false); a pair saved again
#: updates the members sent (no duplicate); deleting a pair that is not there is refused; any
#: refused item of a call: nothing of it saved. A relation's change stamps its person's and its
#: company's change time (GetPersons' and GetCompanies' ChangedAfter, GetCompanySyncList);
#: GetRelationsChangedAfter reads the relation's own change time. Deleting a company (or a
#: person) removes its relations, not the other side; the other side's change time moves.
#: SaveCompanies' ``Relations`` and SavePerson's ``RelationData`` add or update relations (a
#: saved company or person never loses one by omission: DeleteRelations/DeleteRelation remove).
RELATIONS = "one store, both services"

#: Which member of one shape is which of the other (store vocabulary on the right).
#: CompanyService: FirstName/LastName are the person's (read from it, never stored from a
#: Relation); Role is the relation's Title; PhoneNumbers/EmailAddresses kept as sent.
#: PersonService: Phone is the Work phone, Mobile the Mobile phone, Email the Work e-mail
#: address (a relation is a work contact), Title the Role.
RELATION_MEMBERS: dict = {
    "company": {"Role": "Title", "RoleId": "RoleId", "PhoneNumbers": "Phones",
                "EmailAddresses": "Emails", "Fax": "Fax"},
    "company_order": ("ContactId", "CompanyId", "FirstName", "LastName", "Role", "RoleId",
                      "PhoneNumbers", "EmailAddresses", "Fax"),
    "person": {"Email": ("Emails", "Work", "Value"), "Mobile": ("Phones", "Mobile", "Value"),
               "Phone": ("Phones", "Work", "Value"), "Title": ("Title",)},
}

#: PersonService's WSDL declares an ``Authentication`` SOAP header (Username, Password, UserId,
#: EmployeeId, ConsumerId) on 11 of its 20 operations; the vendor documents Authenticate's
#: session cookie as the way in and no other service declares a header. So the header is
#: optional and not a second way in: the session cookie decides (A4), as on every service.
#: When an operation that declares it carries it, it is read with the WSDL's types like an
#: argument (a value not of its type, e.g. ConsumerId "abc", is the same soap:Client fault), and
#: every member it sets must be the session's own: Username its login name (any case),
#: Password its password, UserId its user (contact id or user GUID), ConsumerId its client's
#: id; any other value is refused with A4's fault "Client is not authenticated on this
#: identity" and nothing changes. Empty members and ConsumerId 0 count as not set; EmployeeId
#: is not checked. Operations that do not declare the header ignore one, as ASMX does.
PERSON_HEADER = "Authentication"

#: GetPersonIdByCompanyId answers one id (a long) and the vendor does not say which: the
#: lowest-numbered person whose own CustomerId is the company (its contact person), else the
#: lowest-numbered person related to the company (SaveRelations, MakeRelation), else 0.
PERSON_OF_COMPANY = "own CustomerId first, then relations, lowest id"
