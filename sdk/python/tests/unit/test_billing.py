"""client.billing sends what the contract describes and reads money as integer micro-units."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Dict

import httpx
import pytest

from conftest import PROJECT_ID, Platform, project, problem
from gpuaas import AsyncClient, BillingError, Client, InsufficientFundsError
from gpuaas.billing import current_period, low_funds_warning
from gpuaas.__generated__ import models as m


def balance(available: int = 3_000_000, holds: int = 1_000_000) -> Dict[str, Any]:
    return {
        "project_id": PROJECT_ID,
        "currency": "USD",
        "balance_micros": available + holds,
        "available_micros": available,
        "holds_micros": holds,
        "prepaid_micros": available + holds,
        "promotional_micros": 0,
        "running_interval_micros": holds,
        "funds_exhausted": None,
    }


def transfer(**overrides: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = {
        "id": "topup:abc",
        "kind": "single",
        "category": "topup",
        "currency": "USD",
        "amount_micros": 12_500_000,
        "debit_account_id": "platform:funding:USD",
        "credit_account_id": f"project:{PROJECT_ID}:prepaid:USD",
        "corrects_id": None,
        "allocation_id": None,
        "period_start": None,
        "period_end": None,
        "reason": "invoice 42",
        "created_at": "2026-12-07T10:00:00.000Z",
    }
    base.update(overrides)
    return base


def charge(charge_id: str) -> Dict[str, Any]:
    return {
        "id": charge_id,
        "kind": "gpu_time",
        "project_id": PROJECT_ID,
        "currency": "USD",
        "allocation_id": "a1",
        "amount_micros": 83_333,
        "refunded_micros": 0,
        "period_start": "2026-12-07T10:00:00.000Z",
        "period_end": "2026-12-07T10:01:00.000Z",
        "transfer_ids": [charge_id],
        "created_at": "2026-12-07T10:01:00.000Z",
    }


def test_balance_resolves_the_project_and_reads_integers(client: Client, platform: Platform) -> None:
    platform.json({"items": [project("demo")], "next_cursor": None}).json(balance())
    got = client.billing.balance(project="demo")
    assert isinstance(got, m.BillingBalance)
    assert (got.currency, got.balance_micros, got.available_micros, got.holds_micros) == (
        "USD",
        4_000_000,
        3_000_000,
        1_000_000,
    )
    assert platform.requests[1].url.path == "/v1/billing/balance"
    assert platform.requests[1].url.params["project_id"] == PROJECT_ID


def test_charges_iterate_every_page_with_the_filters(client: Client, platform: Platform) -> None:
    platform.json({"items": [charge("gpu:a1:0")], "next_cursor": "n"})
    platform.json({"items": [charge("gpu:a1:1")], "next_cursor": None})
    ids = [c.id for c in client.billing.charges(project=PROJECT_ID, allocation="a1")]
    assert ids == ["gpu:a1:0", "gpu:a1:1"]
    first, second = platform.requests
    assert first.url.params["allocation_id"] == "a1" and first.url.params["limit"] == "100"
    assert second.url.params["cursor"] == "n"


def test_topup_and_refund_send_decimal_text_with_an_idempotency_key(client: Client, platform: Platform) -> None:
    platform.json(transfer(), 201)
    platform.json(transfer(id="refund:x", category="refund", corrects_id="gpu:a1:0", amount_micros=30_000), 201)
    topped = client.billing.topup(project=PROJECT_ID, amount=Decimal("12.50"), reason="invoice 42", idempotency_key="key-0001")
    assert topped.amount_micros == 12_500_000
    refunded = client.billing.refund("gpu:a1:0", amount="0.03", reason="outage")
    assert refunded.corrects_id == "gpu:a1:0"
    assert platform.body(0) == {"project_id": PROJECT_ID, "amount": "12.50", "reason": "invoice 42"}
    assert platform.requests[0].headers["idempotency-key"] == "key-0001"
    assert platform.body(1) == {"charge_id": "gpu:a1:0", "amount": "0.03", "reason": "outage"}
    assert platform.requests[1].headers["idempotency-key"] != ""


def test_refusals_raise_billing_errors_with_their_code(client: Client, platform: Platform) -> None:
    platform.answer(problem(422, "CORRECTION_EXCEEDS_ORIGINAL"))
    with pytest.raises(BillingError) as exceeded:
        client.billing.refund("gpu:a1:0", amount="1", reason="too much")
    assert exceeded.value.code == "CORRECTION_EXCEEDS_ORIGINAL"
    platform.answer(problem(400, "AMOUNT_INVALID"))
    with pytest.raises(BillingError) as malformed:
        client.billing.topup(project=PROJECT_ID, amount="1e3", reason="x")
    assert malformed.value.code == "AMOUNT_INVALID"
    platform.answer(problem(402, "INSUFFICIENT_FUNDS"))
    with pytest.raises(InsufficientFundsError):
        client.allocations.create(gpus=1, project=PROJECT_ID)


def test_a_refund_above_the_threshold_is_requested_then_approved(client: Client, platform: Platform) -> None:
    platform.answer(problem(403, "REFUND_APPROVAL_REQUIRED"))
    with pytest.raises(BillingError) as refused:
        client.billing.refund("gpu:a1:0", reason="outage")
    assert refused.value.code == "REFUND_APPROVAL_REQUIRED"
    request_id = "0190a5b1-0000-7000-8000-0000000000aa"
    platform.json(
        {
            "id": request_id,
            "charge_id": "gpu:a1:0",
            "project_id": PROJECT_ID,
            "amount_micros": 2_000_000,
            "reason": "outage",
            "requested_by": "user:u1",
            "requested_at": "2026-12-07T10:00:00.000Z",
            "approved_by": None,
            "approved_at": None,
            "transfer_id": None,
        },
        201,
    )
    platform.json(transfer(id="refund:request:r", category="refund", corrects_id="gpu:a1:0"), 201)
    filed = client.billing.request_refund("gpu:a1:0", reason="outage")
    assert filed.id == request_id and filed.approved_at is None
    made = client.billing.approve_refund(filed.id)
    assert made.corrects_id == "gpu:a1:0"
    assert [(r.method, r.url.path) for r in platform.requests[1:]] == [
        ("POST", "/v1/billing/refund-requests"),
        ("POST", f"/v1/billing/refund-requests/{request_id}/approve"),
    ]


async def test_async_billing_has_the_same_surface(aclient: AsyncClient, platform: Platform) -> None:
    platform.json(balance())
    platform.json({"items": [charge("gpu:a1:0")], "next_cursor": None})
    platform.json(
        {
            "id": "g1",
            "project_id": PROJECT_ID,
            "currency": "USD",
            "amount_micros": 5_000_000,
            "expires_at": "2030-01-01T00:00:00.000Z",
            "reason": "offer",
            "transfer": transfer(id="promo:g1", category="promo_grant", amount_micros=5_000_000),
        },
        201,
    )
    async with aclient as client:
        got = await client.billing.balance(project=PROJECT_ID)
        ids = [c.id async for c in client.billing.charges(project=PROJECT_ID)]
        credit = await client.billing.credit(
            project=PROJECT_ID,
            amount="5",
            expires_at=datetime(2030, 1, 1, tzinfo=timezone.utc),
            reason="offer",
        )
    assert got.available_micros == 3_000_000 and ids == ["gpu:a1:0"]
    assert credit.transfer.category == "promo_grant"
    assert platform.body(2) == {
        "project_id": PROJECT_ID,
        "amount": "5",
        "expires_at": "2030-01-01T00:00:00Z",
        "reason": "offer",
    }


@pytest.mark.parametrize(
    ("available", "holds", "warned"),
    [(2_000_000, 1_000_000, False), (500_000, 1_000_000, True), (0, 0, True), (1, 0, False)],
)
def test_low_funds_warning(available: int, holds: int, warned: bool) -> None:
    warning = low_funds_warning(m.BillingBalance.from_json(balance(available, holds)))
    assert (warning is not None) == warned


def test_low_funds_warning_names_the_release_once_funds_ran_out() -> None:
    document = balance(1_000_000, 0)
    document["funds_exhausted"] = {"since": "2026-12-07T10:00:00.000Z", "release_after": "2026-12-07T10:00:30.000Z"}
    warning = low_funds_warning(m.BillingBalance.from_json(document))
    assert warning is not None and "2026-12-07T10:00:30.000Z" in warning


def statement(period: str = "2026-11", status: str = "open") -> Dict[str, Any]:
    return {
        "project_id": PROJECT_ID,
        "currency": "USD",
        "period": period,
        "period_start": f"{period}-01T00:00:00.000Z",
        "period_end": "2026-12-01T00:00:00.000Z",
        "status": status,
        "seq": 1 if status == "closed" else None,
        "closed_at": "2026-12-07T10:00:00.000Z" if status == "closed" else None,
        "previous_sha256": None,
        "opening_balance_micros": 0,
        "closing_balance_micros": 12_500_000,
        "totals": {
            "charges_micros": 0,
            "refunds_micros": 0,
            "topups_micros": 12_500_000,
            "credits_micros": 0,
            "net_micros": 12_500_000,
        },
        "display": {
            "opening_balance": "0.00",
            "closing_balance": "12.50",
            "charges": "0.00",
            "refunds": "0.00",
            "topups": "12.50",
            "credits": "0.00",
            "net": "12.50",
        },
        "rounding": "half to even",
        "lines": [
            {
                "transfer_id": "topup:abc",
                "transfer_ids": ["topup:abc"],
                "kind": "topup",
                "category": "topup",
                "amount_micros": 12_500_000,
                "allocation_id": None,
                "period_start": None,
                "period_end": None,
                "posted_at": "2026-11-03T10:00:00.000Z",
                "adjusts_period": None,
                "reason": "invoice 42",
            }
        ],
    }


def test_statements_read_json_and_csv_and_close_with_an_idempotency_key(client: Client, platform: Platform) -> None:
    platform.json(statement())
    platform.answer(httpx.Response(200, text="project_id,period\r\n", headers={"content-type": "text/csv"}))
    platform.json(statement(status="closed"), 201)
    got = client.billing.statement(project=PROJECT_ID, period="2026-11")
    assert isinstance(got, m.BillingStatement)
    assert got.closing_balance_micros == 12_500_000 and got.lines[0].transfer_ids == ["topup:abc"]
    assert client.billing.statement_csv(project=PROJECT_ID, period="2026-11") == "project_id,period\r\n"
    closed = client.billing.close_statement(project=PROJECT_ID, period="2026-11", idempotency_key="key-0002")
    assert (closed.status, closed.seq) == ("closed", 1)
    read, csv, close = platform.requests
    assert read.url.path == f"/v1/billing/statements/{PROJECT_ID}/2026-11"
    assert csv.url.params["format"] == "csv"
    assert (close.method, close.url.path) == ("POST", f"/v1/billing/statements/{PROJECT_ID}/2026-11/close")
    assert close.headers["idempotency-key"] == "key-0002"


def test_a_publishers_statement_is_asked_for_by_account(client: Client, platform: Platform) -> None:
    platform.json(statement())
    platform.answer(httpx.Response(200, text="project_id,period\r\n", headers={"content-type": "text/csv"}))
    platform.json(statement(status="closed"), 201)
    client.billing.statement(project=PROJECT_ID, period="2026-11", account="publisher")
    client.billing.statement_csv(project=PROJECT_ID, period="2026-11", account="publisher")
    client.billing.close_statement(project=PROJECT_ID, period="2026-11", account="publisher")
    read, csv, close = platform.requests
    assert read.url.params["account"] == "publisher"
    assert (csv.url.params["account"], csv.url.params["format"]) == ("publisher", "csv")
    assert close.url.params["account"] == "publisher"


def test_the_default_period_is_this_month_in_utc() -> None:
    assert current_period(datetime(2026, 12, 31, 23, 59, tzinfo=timezone.utc)) == "2026-12"
    assert len(current_period()) == 7


def test_budget_reads_and_sets_with_put(client: Client, platform: Platform) -> None:
    body: Dict[str, Any] = {
        "project_id": PROJECT_ID,
        "currency": "USD",
        "limit_micros": 500_000_000,
        "alert_thresholds": [50, 80, 100],
        "period": "2026-12",
        "spent_micros": 0,
        "alerts_fired": [],
    }
    platform.json({**body, "limit_micros": None, "alert_thresholds": []}).json(body)
    assert client.billing.budget(project=PROJECT_ID).limit_micros is None
    got = client.billing.set_budget(project=PROJECT_ID, limit=Decimal("500"))
    assert got.alert_thresholds == [50, 80, 100]
    assert platform.requests[1].method == "PUT"
    assert platform.requests[1].url.path == f"/v1/billing/budgets/{PROJECT_ID}"
    assert platform.body(1) == {"limit": "500", "alert_thresholds": [50, 80, 100]}


def earnings_body() -> Dict[str, Any]:
    return {
        "project_id": PROJECT_ID,
        "currency": "USD",
        "period": "2026-12",
        "payable_micros": 241_194,
        "opening_balance_micros": 0,
        "closing_balance_micros": 241_194,
        "totals": {
            "earned_micros": 241_194,
            "refunds_micros": 0,
            "fees_withheld_micros": 42_562,
            "charged_micros": 283_756,
            "net_micros": 241_194,
        },
        "by_app": [
            {
                "version_id": "v1",
                "app": "chat",
                "version": "1.2.0",
                "meter": "hourly",
                "events": 3,
                "charged_micros": 33_750,
                "fee_micros": 5_062,
                "earned_micros": 28_688,
            }
        ],
        "lines": [
            {
                "transfer_id": "usage:l1:e1:publisher",
                "category": "app_usage",
                "amount_micros": 241_194,
                "allocation_id": "a1",
                "period_start": "2026-12-07T10:00:00.000Z",
                "period_end": "2026-12-07T10:01:00.000Z",
                "posted_at": "2026-12-07T10:01:00.000Z",
                "corrects_id": None,
            }
        ],
    }


def test_earnings_resolve_the_project_and_default_to_this_month(client: Client, platform: Platform) -> None:
    platform.json({"items": [project("pub")], "next_cursor": None}).json(earnings_body())
    got = client.billing.earnings(project="pub")
    assert isinstance(got, m.BillingEarnings)
    assert got.totals.fees_withheld_micros == 42_562 and got.by_app[0].meter == "hourly"
    assert platform.requests[1].url.path == "/v1/billing/earnings"
    assert platform.requests[1].url.params["project_id"] == PROJECT_ID
    assert platform.requests[1].url.params["period"] == current_period()


def test_budgets_list_every_project_for_operators(client: Client, platform: Platform) -> None:
    overview = {
        "project_id": PROJECT_ID,
        "currency": "USD",
        "limit_micros": 1_000_000,
        "alert_thresholds": [50],
        "period": "2026-12",
        "spent_micros": 283_756,
        "spent_percent": "28.37",
        "alerts_fired": [],
    }
    platform.json({"items": [overview]})
    got = client.billing.budgets()
    assert [b.spent_percent for b in got] == ["28.37"]
    assert platform.requests[0].url.path == "/v1/billing/budgets"


async def test_async_earnings_and_budgets(aclient: AsyncClient, platform: Platform) -> None:
    platform.json(earnings_body()).json({"items": []})
    async with aclient as client:
        got = await client.billing.earnings(project=PROJECT_ID, period="2026-12")
        budgets = await client.billing.budgets()
    assert got.payable_micros == 241_194 and budgets == []
    assert platform.requests[0].url.params["period"] == "2026-12"
