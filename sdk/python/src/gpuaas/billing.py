"""Billing: a project's balance, charges and statements, a publisher's earnings, and the operators'
top-ups, refunds, credit, statement closing and budgets view.

Money the platform returns is in integer micro-units (``balance_micros``, ``amount_micros``; 1 USD
= 1000000). Amounts you send are decimal text (``"12.50"``), never floats, so no digit is lost on
the way; a ``Decimal`` is accepted and sent as its text. Every mutation sends one idempotency key,
reused across retries (pass ``idempotency_key`` to reuse one across calls), and the platform never
moves money twice for the same key (docs/billing.md).
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import AsyncIterator, Iterator, Literal

from . import _model, _pagination
from .__generated__ import models as m
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi
from ._request import ApiRequest
from .projects import AsyncProjects, Projects

_PAGE = 100


def _amount(value: str | Decimal) -> str:
    """Decimal text as the API takes it; the platform checks the format (``AMOUNT_INVALID``)."""
    return format(value, "f") if isinstance(value, Decimal) else value


def _time(value: str | datetime) -> str:
    if isinstance(value, str):
        return value
    when = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _refund_body(charge_id: str, amount: str | Decimal | None, reason: str) -> m.BillingRefundCreate:
    body: m.BillingRefundCreate = {"charge_id": charge_id, "reason": reason}
    if amount is not None:
        body["amount"] = _amount(amount)
    return body


def current_period(now: datetime | None = None) -> str:
    """The calendar month in UTC, ``YYYY-MM``: the default statement period."""
    when = now if now is not None else datetime.now(timezone.utc)
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m")


#: Whose statement: the project's prepaid account, or its earnings as an app publisher.
Account = Literal["project", "publisher"]


def _statement_csv(project_id: str, period: str, account: Account) -> ApiRequest[str]:
    """The statement operation asked for CSV: the same request, read as text rather than JSON."""
    request = ops.get_billing_statement(project_id, period, account=account, format="csv")
    return ApiRequest(
        request.operation_id,
        request.method,
        request.path,
        _model.parse_text,
        query=request.query,
        response_kind="text",
    )


def low_funds_warning(balance: m.BillingBalance) -> str | None:
    """Why a balance needs attention, or None (the CLI's rule, ``lowFundsWarning`` in TypeScript).

    Each running allocation's next interval is held before it starts: available funds below one
    interval of the running allocations cannot pay for the interval after it, and the platform
    then releases them after its grace period (``funds_exhausted`` names when).
    """
    if balance.funds_exhausted is not None:
        return (
            f"funds ran out at {balance.funds_exhausted.since}: running allocations are released "
            f"from {balance.funds_exhausted.release_after} unless funds arrive first"
        )
    available = balance.available_micros
    next_interval = max(balance.running_interval_micros, balance.holds_micros)
    if next_interval > 0 and available < next_interval:
        return "available funds do not cover the next interval of your running allocations"
    if available <= 0:
        return "no funds available: new allocations will be refused"
    return None


class Billing:
    """``client.billing``."""

    def __init__(self, api: SyncApi, projects: Projects) -> None:
        self._api = api
        self._projects = projects

    def balance(self, *, project: str) -> m.BillingBalance:
        """The project's (id or unique name) ``balance_micros``, ``holds_micros``, ``available_micros``."""
        return self._api.send(ops.get_billing_balance(project_id=self._projects.resolve_id(project)))

    def charges(self, *, project: str | None = None, allocation: str | None = None) -> Iterator[m.BillingCharge]:
        """Every charge of the project (or of one allocation), oldest first, fetched page by page."""
        project_id = None if project is None else self._projects.resolve_id(project)
        first = ops.list_billing_charges(project_id=project_id, allocation_id=allocation, limit=_PAGE)
        return _pagination.iterate(self._api.send, first)

    def statement(
        self, *, project: str, period: str | None = None, account: Account = "project"
    ) -> m.BillingStatement:
        """The project's statement for ``period`` (``YYYY-MM``, UTC; default this month): every line
        with its ledger transfer ids, opening and closing balances and totals in micros.
        ``account="publisher"``: the project's earnings as an app publisher instead."""
        project_id = self._projects.resolve_id(project)
        return self._api.send(
            ops.get_billing_statement(project_id, period or current_period(), account=account)
        )

    def statement_csv(
        self, *, project: str, period: str | None = None, account: Account = "project"
    ) -> str:
        """The same statement as CSV text."""
        project_id = self._projects.resolve_id(project)
        return self._api.send(_statement_csv(project_id, period or current_period(), account))

    def close_statement(
        self,
        *,
        project: str,
        period: str,
        idempotency_key: str | None = None,
        account: Account = "project",
    ) -> m.BillingStatement:
        """Operators: closes a month that is over; the statement never changes afterwards."""
        project_id = self._projects.resolve_id(project)
        return self._api.send(ops.close_billing_statement(project_id, period, account=account, idempotency_key=idempotency_key))

    def budget(self, *, project: str) -> m.BillingBudget:
        """The project's monthly budget (``limit_micros`` None when unset), this month's spend and
        the alerts fired."""
        return self._api.send(ops.get_billing_budget(self._projects.resolve_id(project)))

    def set_budget(
        self, *, project: str, limit: str | Decimal, alert_thresholds: list[int] | None = None
    ) -> m.BillingBudget:
        """Owners and operators: the monthly limit and the percentages of it at which
        ``billing.budget_alert`` fires (default 50, 80, 100)."""
        body: m.BillingBudgetSet = {"limit": _amount(limit), "alert_thresholds": alert_thresholds or [50, 80, 100]}
        return self._api.send(ops.set_billing_budget(self._projects.resolve_id(project), body))

    def budgets(self) -> list[m.BillingBudgetOverview]:
        """Operators: every project that has a budget, with this month's spend (``spent_micros``,
        ``spent_percent``) and the alerts fired."""
        return self._api.send(ops.list_billing_budgets()).items

    def earnings(self, *, project: str, period: str | None = None) -> m.BillingEarnings:
        """A publisher project's earnings for ``period`` (``YYYY-MM``, UTC; default this month): by
        app, version and meter (``by_app``), fees withheld, the earnings account's ledger ``lines``
        and ``payable_micros`` now. Members of the project and operators."""
        project_id = self._projects.resolve_id(project)
        return self._api.send(ops.get_billing_earnings(project_id=project_id, period=period or current_period()))

    def topup(
        self, *, project: str, amount: str | Decimal, reason: str, idempotency_key: str | None = None
    ) -> m.BillingTransfer:
        """Operators: credits the project's prepaid balance with ``amount`` (e.g. ``"12.50"``)."""
        body: m.BillingTopupCreate = {
            "project_id": self._projects.resolve_id(project),
            "amount": _amount(amount),
            "reason": reason,
        }
        return self._api.send(ops.create_billing_topup(body, idempotency_key=idempotency_key))

    def refund(
        self,
        charge_id: str,
        *,
        reason: str,
        amount: str | Decimal | None = None,
        idempotency_key: str | None = None,
    ) -> m.BillingTransfer:
        """Operators: refunds a charge, by default what is left of it (never more)."""
        body = _refund_body(charge_id, amount, reason)
        return self._api.send(ops.create_billing_refund(body, idempotency_key=idempotency_key))

    def request_refund(
        self,
        charge_id: str,
        *,
        reason: str,
        amount: str | Decimal | None = None,
        idempotency_key: str | None = None,
    ) -> m.BillingRefundRequest:
        """Operators: files a refund for a second operator to approve (needed above the platform's
        threshold, where ``refund`` raises ``REFUND_APPROVAL_REQUIRED``); nothing moves yet."""
        body = _refund_body(charge_id, amount, reason)
        return self._api.send(ops.create_billing_refund_request(body, idempotency_key=idempotency_key))

    def approve_refund(self, request_id: str) -> m.BillingTransfer:
        """Operators other than the requester: makes the requested refund and returns its transfer."""
        return self._api.send(ops.approve_billing_refund_request(request_id))

    def credit(
        self,
        *,
        project: str,
        amount: str | Decimal,
        expires_at: str | datetime,
        reason: str,
        idempotency_key: str | None = None,
    ) -> m.BillingPromotion:
        """Operators: promotional credit, spent before the prepaid balance, until ``expires_at``."""
        body: m.BillingPromotionCreate = {
            "project_id": self._projects.resolve_id(project),
            "amount": _amount(amount),
            "expires_at": _time(expires_at),
            "reason": reason,
        }
        return self._api.send(ops.create_billing_promotion(body, idempotency_key=idempotency_key))


class AsyncBilling:
    """``client.billing`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects) -> None:
        self._api = api
        self._projects = projects

    async def balance(self, *, project: str) -> m.BillingBalance:
        project_id = await self._projects.resolve_id(project)
        return await self._api.send(ops.get_billing_balance(project_id=project_id))

    async def charges(
        self, *, project: str | None = None, allocation: str | None = None
    ) -> AsyncIterator[m.BillingCharge]:
        """``async for charge in client.billing.charges(project=...)``."""
        project_id = None if project is None else await self._projects.resolve_id(project)
        first = ops.list_billing_charges(project_id=project_id, allocation_id=allocation, limit=_PAGE)
        async for charge in _pagination.aiterate(self._api.send, first):
            yield charge

    async def statement(
        self, *, project: str, period: str | None = None, account: Account = "project"
    ) -> m.BillingStatement:
        project_id = await self._projects.resolve_id(project)
        return await self._api.send(
            ops.get_billing_statement(project_id, period or current_period(), account=account)
        )

    async def statement_csv(
        self, *, project: str, period: str | None = None, account: Account = "project"
    ) -> str:
        project_id = await self._projects.resolve_id(project)
        return await self._api.send(_statement_csv(project_id, period or current_period(), account))

    async def close_statement(
        self,
        *,
        project: str,
        period: str,
        idempotency_key: str | None = None,
        account: Account = "project",
    ) -> m.BillingStatement:
        project_id = await self._projects.resolve_id(project)
        return await self._api.send(
            ops.close_billing_statement(project_id, period, account=account, idempotency_key=idempotency_key)
        )

    async def budget(self, *, project: str) -> m.BillingBudget:
        return await self._api.send(ops.get_billing_budget(await self._projects.resolve_id(project)))

    async def set_budget(
        self, *, project: str, limit: str | Decimal, alert_thresholds: list[int] | None = None
    ) -> m.BillingBudget:
        body: m.BillingBudgetSet = {"limit": _amount(limit), "alert_thresholds": alert_thresholds or [50, 80, 100]}
        return await self._api.send(ops.set_billing_budget(await self._projects.resolve_id(project), body))

    async def budgets(self) -> list[m.BillingBudgetOverview]:
        return (await self._api.send(ops.list_billing_budgets())).items

    async def earnings(self, *, project: str, period: str | None = None) -> m.BillingEarnings:
        project_id = await self._projects.resolve_id(project)
        return await self._api.send(
            ops.get_billing_earnings(project_id=project_id, period=period or current_period())
        )

    async def topup(
        self, *, project: str, amount: str | Decimal, reason: str, idempotency_key: str | None = None
    ) -> m.BillingTransfer:
        body: m.BillingTopupCreate = {
            "project_id": await self._projects.resolve_id(project),
            "amount": _amount(amount),
            "reason": reason,
        }
        return await self._api.send(ops.create_billing_topup(body, idempotency_key=idempotency_key))

    async def refund(
        self,
        charge_id: str,
        *,
        reason: str,
        amount: str | Decimal | None = None,
        idempotency_key: str | None = None,
    ) -> m.BillingTransfer:
        body = _refund_body(charge_id, amount, reason)
        return await self._api.send(ops.create_billing_refund(body, idempotency_key=idempotency_key))

    async def request_refund(
        self,
        charge_id: str,
        *,
        reason: str,
        amount: str | Decimal | None = None,
        idempotency_key: str | None = None,
    ) -> m.BillingRefundRequest:
        body = _refund_body(charge_id, amount, reason)
        return await self._api.send(ops.create_billing_refund_request(body, idempotency_key=idempotency_key))

    async def approve_refund(self, request_id: str) -> m.BillingTransfer:
        return await self._api.send(ops.approve_billing_refund_request(request_id))

    async def credit(
        self,
        *,
        project: str,
        amount: str | Decimal,
        expires_at: str | datetime,
        reason: str,
        idempotency_key: str | None = None,
    ) -> m.BillingPromotion:
        body: m.BillingPromotionCreate = {
            "project_id": await self._projects.resolve_id(project),
            "amount": _amount(amount),
            "expires_at": _time(expires_at),
            "reason": reason,
        }
        return await self._api.send(ops.create_billing_promotion(body, idempotency_key=idempotency_key))
