"""M2, M5 properties with the strategies integrators import: whatever company or product an
integration creates is read back exactly (names with metacharacters, Decimals with their scale),
found by its own search parameters, and a company is a customer SaveBundleList books on."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings

from mockserver.testing import strategies as tst

from helpers import bundle, bundle_list, sale

#: one client for every example: each sale its own TransactionNo (S11: 0 is booked as sent)
_NUMBERS = itertools.count(10_000)

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(company=tst.companies())
def test_M2_any_company_is_saved_read_back_and_booked_on(tfso_client, company):
    made, = tfso_client.companies.SaveCompanies({"Company": [company]})
    assert made.APIException is None and made.Id > 10001
    got, = tfso_client.companies.GetCompanies({"CompanyId": made.Id})
    assert got.Name == company["Name"]
    for member in ("OrganizationNumber", "ExternalId", "Type", "BankAccountNo"):
        assert getattr(got, member) == company.get(member), member
    by_name = tfso_client.companies.GetCompanies({"CompanyName": company["Name"]})
    assert made.Id in [c.Id for c in by_name]
    if "OrganizationNumber" in company:
        found = tfso_client.companies.GetCompanies({"OrganizationNumber": company["OrganizationNumber"]})
        assert made.Id in [c.Id for c in found]
    # the company is a customer: a sale booked on it carries its id, and its own bank account
    kw = {"BankAccountNo": company["BankAccountNo"]} if "BankAccountNo" in company else {}
    result = tfso_client.account.SaveBundleList(bundle_list([bundle([sale(
        next(_NUMBERS), day=dt.date(dt.date.today().year, 1, 15), customer=made.Id, **kw)],
        year=dt.date.today().year)]))
    assert (result.Type, result.Description) == ("Ok", None)


@SETTINGS
@given(product=tst.products())
def test_M5_any_product_is_saved_and_read_back_exactly(tfso_client, product):
    made, = tfso_client.products.SaveProducts({"Product": [product]})
    if made.APIException is not None:  # the same No drawn twice: refused in-band, as it must be
        assert made.APIException.Message == f"A Product with No {product['No']} already exists."
        return
    got, = tfso_client.products.GetProducts({"Id": made.Id})
    for member, value in product.items():
        assert getattr(got, member) == value, member
    assert str(got.Price) == str(product["Price"])  # the scale too
    assert [p.Id for p in tfso_client.products.GetProducts({"No": product["No"]})] == [made.Id]
