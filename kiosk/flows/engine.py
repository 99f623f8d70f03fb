"""The flow engine: moves a customer through a declared flow, one step at a time.

It validates what the customer gives, runs each step's action on a worker (never on the UI
thread), chooses the next step, keeps the idle clock with its "need more time?" question, and
hands the session back wiped when the flow ends, however it ends.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hardware.errors import DeviceError, RecommendedAction
from kiosk.events import Event
from kiosk.flows.model import (
    CONFIRM,
    Flow,
    Step,
    StepContext,
    StepError,
    StepFailed,
    StepKind,
    StepView,
)
from kiosk.metrics import Figures
from kiosk.runtime import Cancellable, Runner, Scheduler
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

END = "end"
FLOW_PREFIX = "flow:"


@dataclass(frozen=True)
class Timeouts:
    idle_s: float = 60.0  # quiet time on a step before "need more time?"
    answer_s: float = 30.0  # time to answer that question (WCAG 2.2.1 asks for at least 20 s)
    max_extensions: int = 10  # WCAG 2.2.1: the customer may extend at least ten times
    result_s: float = 20.0  # a result screen goes back to the start on its own
    care_factor: float = 2.0  # care mode gives every step this much more time


class FlowEngine:
    def __init__(
        self,
        flows: Mapping[str, Flow],
        services: Any,
        runner: Runner,
        scheduler: Scheduler,
        timeouts: Timeouts = Timeouts(),
        figures: Figures | None = None,
    ):
        self.flows = dict(flows)
        self.services = services
        self.timeouts = timeouts
        self.figures = figures or Figures()
        self._runner = runner
        self._scheduler = scheduler

        self.flow_started: Event[Flow, CustomerSession] = Event("flow_started")
        self.step_entered: Event[StepView] = Event("step_entered")
        self.busy_changed: Event[bool] = Event("busy_changed")  # an action is running
        self.progress: Event[StepView] = Event("progress")  # an action updated its screen
        self.step_failed: Event[StepError] = Event("step_failed")
        self.need_more_time: Event[float] = Event("need_more_time")  # (seconds to answer)
        # (flow id, reason: completed/cancelled/timeout/chained)
        self.flow_ended: Event[str, str] = Event("flow_ended")
        # (reason): only staff can fix what happened
        self.staff_needed: Event[str] = Event("staff_needed")

        self.flow: Flow | None = None
        self.session: CustomerSession | None = None
        self.view: StepView | None = None
        self._history: list[str] = []
        self._timer: Cancellable | None = None
        self._extensions = 0
        self._busy = False
        self._cancel = threading.Event()
        self._generation = 0  # results of work started before a flow ended are dropped

    # --- what the screen, the voice and the PIN pad can ask for --------------------------

    @property
    def active(self) -> bool:
        return self.flow is not None

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def would_lose_data(self) -> bool:
        """Whether cancelling now throws away something the customer entered or showed."""
        return bool(
            self.session
            and not self.session.is_empty
            and self.view
            and self.view.step.kind is not StepKind.RESULT
        )

    def available(self, flow_id: str) -> bool:
        flow = self.flows[flow_id]
        if flow.available is None:
            return True
        try:
            return flow.available(self.services)
        except Exception:  # a device that cannot say is a device we do not offer
            log.exception("could not tell whether %s is available", flow_id)
            return False

    def start(self, flow_id: str, session: CustomerSession) -> None:
        if self.active:
            raise RuntimeError(f"flow {self.flow.id} is still running")
        self.flow = self.flows[flow_id]
        self.session = session
        self._history = []
        self._cancel = threading.Event()
        log.info("session %s: flow %s started", session.id, flow_id)
        self.flow_started.emit(self.flow, session)
        self._enter(self.flow.steps[0].id)

    def submit(self, value: Any = CONFIRM) -> None:
        """The customer's answer to the current step: a choice id, a field's text, confirm."""
        if not self.active or self._busy or self.view is None:
            log.info("answer ignored: no step is waiting for one")
            return
        step = self.view.step
        if step.kind is StepKind.DEVICE:
            return
        if step.kind is StepKind.FIELD:
            value = str(value).strip()
            problem = self._check_field(step, value)
            if problem:
                self._arm_idle()
                self.step_failed.emit(StepError(problem, {}, True))
                return
            self.session[step.field.name] = value
        elif step.kind in (StepKind.CHOOSE, StepKind.REVIEW, StepKind.RESULT) and self.view.choices:
            if value not in {c.id for c in self.view.choices}:
                log.warning("step %s has no choice %r", step.id, value)
                return
            if step.kind is StepKind.CHOOSE:
                self.session[step.id] = value
        self._cancel_timer()
        self._run_action(step, value)

    def back(self) -> None:
        if not self.active or self._busy or not self.view or not self.view.can_go_back:
            return
        self._cancel_timer()
        while self._history:
            previous = self.flow.step(self._history.pop())
            if previous.kind is not StepKind.DEVICE:  # never re-run a device step backwards
                self._enter(previous.id, remember=False)
                return
        self.end("cancelled")

    def retry(self) -> None:
        """After a failure: try the current step again."""
        if self.active and not self._busy and self.view:
            self._enter(self.view.step.id, remember=False)

    def extend(self) -> None:
        """The customer answered "yes, I need more time"."""
        if not self.active:
            return
        if self._extensions >= self.timeouts.max_extensions:
            log.info("no more extensions allowed")
            return
        self._extensions += 1
        self._arm_idle()

    def cancel(self) -> None:
        if self.active:
            self.end("cancelled")

    def end(self, reason: str) -> None:
        """Ends the flow: stops its work, hands back cards, forgets the customer."""
        flow, session = self.flow, self.session
        if flow is None:
            return
        self._cancel_timer()
        self._cancel.set()
        self._generation += 1
        self.flow, self.view, self.session = None, None, None
        self._set_busy(False)
        self.figures.flow_ended(flow.id, reason)
        log.info("session %s: flow %s ended: %s", session.id, flow.id, reason)

        def forget(_result: Any = None) -> None:
            session.wipe()

        if flow.cleanup:  # a card left behind calls staff from here too
            ctx = StepContext(session, self.services, call_staff=self._staff_from_worker)
            self._runner.run(lambda: flow.cleanup(ctx), forget, self._cleanup_failed(flow, forget))
        else:
            forget()
        self.flow_ended.emit(flow.id, reason)

    # --- moving between steps ---------------------------------------------------------------

    def _enter(self, step_id: str, remember: bool = True) -> None:
        if remember and self.view is not None:
            self._history.append(self.view.step.id)
        step = self.flow.step(step_id)
        self._extensions = 0
        self.view = self._make_view(step)
        log.info("session %s: %s/%s", self.session.id, self.flow.id, step.id)
        self.step_entered.emit(self.view)
        if step.kind is StepKind.DEVICE:
            self._run_action(step, None)
        else:
            self._arm_idle()

    def _make_view(self, step: Step, params: Mapping[str, Any] | None = None) -> StepView:
        session = self.session
        choices = step.choices(session) if callable(step.choices) else step.choices
        merged = dict(step.params(session)) if step.params else {}
        merged.update(params or {})
        ids = [s.id for s in self.flow.steps]
        return StepView(
            flow=self.flow,
            step=step,
            number=ids.index(step.id) + 1,
            total=len(ids),
            params=merged,
            choices=tuple(choices),
            summary=tuple(step.summary(session)) if step.summary else (),
            can_go_back=step.can_go_back and step.kind is not StepKind.RESULT,
        )

    def _check_field(self, step: Step, value: str) -> str | None:
        spec = step.field
        if not spec.min_length <= len(value) <= spec.max_length:
            return "flow.error.length"
        if spec.input == "digits" and not value.isdigit():
            return "flow.error.digits_only"
        return spec.validate(value) if spec.validate else None

    def _run_action(self, step: Step, value: Any) -> None:
        if step.action is None:
            self._advance(step, None, value)
            return
        generation = self._generation
        ctx = StepContext(
            self.session,
            self.services,
            value,
            self._cancel,
            progress=lambda params: self._report(generation, step, params),
            call_staff=self._staff_from_worker,
        )
        self._set_busy(True)

        def done(goto: str | None) -> None:
            if generation == self._generation:
                self._set_busy(False)
                self._advance(step, goto, value)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._set_busy(False)
                self._fail(step, exc)

        self._runner.run(lambda: step.action(ctx), done, failed)

    def _staff_from_worker(self, reason: str) -> None:
        self._runner.post(lambda: self.staff_needed.emit(reason))

    def _report(self, generation: int, step: Step, params: Mapping[str, Any]) -> None:
        # Called from the worker: hop to the UI thread before anyone touches a widget.
        def show() -> None:
            if generation == self._generation and self.view and self.view.step is step:
                self.progress.emit(self._make_view(step, params))

        self._runner.post(show)

    def _advance(self, step: Step, goto: str | None, value: Any) -> None:
        target = goto
        if target is None:
            target = step.next(self.session, value) if callable(step.next) else step.next
        if target is None:
            target = self.flow.following(step.id) or END
        if target == END:
            self.end("completed")
        elif target.startswith(FLOW_PREFIX):
            self._chain(target.removeprefix(FLOW_PREFIX))
        else:
            self._enter(target)

    def _chain(self, flow_id: str) -> None:
        """Goes straight on to another service, keeping what the customer already showed."""
        previous, session = self.flow, self.session
        self._cancel_timer()
        self._generation += 1
        self.figures.flow_ended(previous.id, "completed")
        self.flow, self.view = None, None
        self.flow_ended.emit(previous.id, "chained")
        self.start(flow_id, session)

    def _fail(self, step: Step, exc: BaseException) -> None:
        if isinstance(exc, StepFailed) and exc.goto:
            self.session["failure"] = exc.message_key
            self._advance(step, exc.goto, None)
            return
        # a jam, an empty cassette: staff only
        if isinstance(exc, DeviceError) and exc.action is RecommendedAction.CLEAR:
            self.staff_needed.emit("device_fault")
        message_key = getattr(exc, "message_key", None)
        if message_key:
            log.warning(
                "session %s: %s/%s failed: %s (%s)",
                self.session.id,
                self.flow.id,
                step.id,
                type(exc).__name__,
                message_key,
            )
            params = getattr(exc, "params", None) or {}
            can_retry = bool(getattr(exc, "retry", True))
        else:
            log.error(
                "session %s: %s/%s broke", self.session.id, self.flow.id, step.id, exc_info=exc
            )
            message_key, params, can_retry = "flow.error.system", {}, False
        self._arm_idle()
        self.step_failed.emit(StepError(message_key, params, can_retry))

    def _cleanup_failed(self, flow: Flow, forget):
        def failed(exc: BaseException) -> None:
            log.error("cleanup of %s failed: staff must check the devices", flow.id, exc_info=exc)
            forget()

        return failed

    # --- the idle clock -----------------------------------------------------------------------

    def _scaled(self, seconds: float) -> float:
        care = self.session is not None and self.session.care_mode
        return seconds * (self.timeouts.care_factor if care else 1.0)

    def _arm_idle(self) -> None:
        self._cancel_timer()
        step = self.view.step
        if step.kind is StepKind.RESULT:
            self._timer = self._scheduler.call_later(
                self._scaled(self.timeouts.result_s), lambda: self.end("completed")
            )
            return
        idle = step.timeout_s if step.timeout_s is not None else self.timeouts.idle_s
        self._timer = self._scheduler.call_later(self._scaled(idle), self._ask_more_time)

    def _ask_more_time(self) -> None:
        answer = self._scaled(self.timeouts.answer_s)
        self.need_more_time.emit(answer)
        self._timer = self._scheduler.call_later(answer, lambda: self.end("timeout"))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)
