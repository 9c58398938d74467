"""M1: ClientService describes the logged-in client (zeep from the vendor WSDL and from ?WSDL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import zeep

from helpers import bundle, bundle_list, entry, voucher


def test_M1_client_information_names_the_client_and_a_positive_user(master_client):
    client = master_client(name="Fjellvann Regnskap AS")
    info = client.client_service.GetClientInformation()
    assert info.Name == "Fjellvann Regnskap AS"
    assert info.UserId > 0 and info.UserId == client.client_id
    assert (info.Country, info.DefaultCurrency, info.IsUsingFactoring) == ("NO", "NOK", False)
    assert (info.ReminderDays, info.ReminderDays2, info.ReminderDays3) == (14, 14, 14)


def test_M1_currencies_start_with_nok_and_include_those_booked(master_client):
    client = master_client(fiscal_years=[2024])
    first = client.client_service.GetCurrencyList()
    assert [(c.Symbol, c.Id, c.Rate, c.Unit) for c in first] == [("NOK", 578, Decimal(1), 1)]
    bl = bundle_list([bundle([voucher([
        entry(1500, "100.00", CurrencyId="EUR", CurrencyRate=Decimal("11.5"), CustomerId=123),
        entry(3000, "-100.00", CurrencyId="EUR", CurrencyRate=Decimal("11.5")),
    ])])])
    assert client.account.SaveBundleList(bl).Type == "Ok"
    symbols = [(c.Symbol, c.Id) for c in client.client_service.GetCurrencyList()]
    assert symbols == [("NOK", 578), ("EUR", 978)]


def test_M1_vat_types_are_the_tax_codes(master_client):
    client = master_client()
    vat = client.client_service.GetVatTypeList()
    codes = client.account.GetTaxCodeList()
    assert [(v.No, v.Name, v.Rate) for v in vat] == [
        (int(t.TaxNo), t.TaxName, t.TaxRate) for t in codes]
    assert (3, Decimal("25")) in [(v.No, v.Rate.normalize()) for v in vat]


def test_M1_type_groups_per_module(master_client):
    client = master_client()
    sale = client.client_service.GetTypeGroupList("Sale")
    purchase = client.client_service.GetTypeGroupList("Purchase")
    every = client.client_service.GetTypeGroupList("All")
    assert sale and all(3000 <= g.Id <= 3999 for g in sale)
    assert purchase and all(4000 <= g.Id <= 4999 for g in purchase)
    assert [g.Id for g in every] == [g.Id for g in sale] + [g.Id for g in purchase]
    assert all(g.AccountId == 10000 + g.Id for g in every)


def test_M1_users_and_departments(master_client):
    client = master_client()
    users = client.client_service.GetUsers()
    assert [(u.ContactId, u.Name) for u in users] == [
        (client.client_id, f"Integrator {client.client_id}")]
    assert str(users[0].Id) != "00000000-0000-0000-0000-000000000000"
    assert client.client_service.GetDepartmentList() in (None, [])


def test_M1_without_a_session_is_the_not_authenticated_fault(master_client):
    client = master_client()
    client.http.cookies.clear()
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.client_service.GetClientInformation()
    assert fault.value.message == "Client is not authenticated on this identity"


def test_M1_counts_against_the_clients_hourly_quota(master_client):
    client = master_client()
    client.set_rate_limit(rate_limit=3)
    client.client_service.GetCurrencyList()
    client.companies.GetCategories()
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.client_service.GetClientInformation()
    assert fault.value.message.startswith("Limit exceeded by 1. Request is blocked. Quarantine ends at ")
