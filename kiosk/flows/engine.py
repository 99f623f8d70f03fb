"""The flow engine: moves a customer through a declared flow, one step at a time.

It validates what the customer gives, runs each step's action on a worker (never on the UI
thread), chooses the next step, keeps the idle clock with its "need more time?" question, and
hands the session back wiped when the flow ends, however it ends. Before a visit ends (a
result's "done", cancel, a time-out) the customer is asked for what is still theirs in a reader
(`Flow.hand_back`): the take-back step comes first, the end after it.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from hardware.errors import DeviceError, RecommendedAction
from kiosk.events import Event
from kiosk.flows.model import (
    CONFIRM,
    END,
    Branch,
    Choice,
    Flow,
    HandBack,
    Step,
    StepContext,
    StepError,
    StepFailed,
    StepKind,
    StepView,
    Target,
    chained_flow,
)
from kiosk.metrics import Figures
from kiosk.runtime import Cancellable, Runner, Scheduler
from kiosk.session import CustomerSession, Failure

if TYPE_CHECKING:
    from kiosk.services import Services

log = logging.getLogger(__name__)


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
        services: Services,
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
        self._stage = 0  # the furthest stage of this visit: the bar never moves back
        self._tick: Cancellable | None = None  # the countdown of a choice not ready yet
        self._read = False  # the current step's body has been read to its end
        self._alone: set[str] = set()  # steps of this visit taken without a screen
        self._said_alone: tuple[str, str] | None = None  # for the next screen to say
        self._ending: str | None = None  # the visit ends so once its customer took their things
        self._handed: set[Target] = set()  # take-back steps entered since it began to end

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
            and self._ending is None
        )

    @property
    def back_leaves_flow(self) -> bool:
        """Whether back now ends the flow: no step before this one to go back to."""
        return self.flow is not None and not any(
            self.flow.step(step_id).kind is not StepKind.DEVICE for step_id in self._history
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
        if self.flow is not None:
            raise RuntimeError(f"flow {self.flow.id} is still running")
        self.flow = flow = self.flows[flow_id]
        self.session = session
        self._history = []
        self._stage = 0
        self._alone, self._said_alone = set(), None
        self._ending, self._handed = None, set()
        self._cancel = threading.Event()
        log.info("session %s: flow %s started", session.id, flow_id)
        self.flow_started.emit(flow, session)
        self._enter(flow.steps[0].id)

    def submit(self, value: Any = CONFIRM) -> None:
        """The customer's answer to the current step: a choice id, a field's text, confirm."""
        if not self.active or self._busy or self.view is None:
            log.info("answer ignored: no step is waiting for one")
            return
        flow, session = self._running()
        step = self.view.step
        if step.kind is StepKind.DEVICE:
            return
        chosen = next((c for c in self.view.choices if c.id == value), None)
        if chosen is not None and not self._may_take(chosen):
            return
        if step.field is not None and chosen is None:
            value = str(value).strip()
            problem = self._check_field(step, value)
            if problem:
                self._arm_idle()
                self.step_failed.emit(StepError(problem, {}, True))
                return
        elif self.view.choices and value not in {c.id for c in self.view.choices}:
            log.warning("step %s has no choice %r", step.id, value)
            return
        if step.kind in (StepKind.CHOOSE, StepKind.FIELD):
            session.answered = True
        # a choice beside a field (a new SMS code) is not the field's value
        self._submitted(step, value, keep=chosen is None or step.field is None)

    def _submitted(self, step: Step, value: Any, keep: bool = True) -> None:
        """Keeps the answer where the step says and runs its action."""
        flow, session = self._running()
        if keep and step.keep is not None and flow.state is not None:  # checked at registration
            setattr(session.state(flow.state), step.keep, value)
        self._cancel_timer()
        self._run_action(step, value)

    @property
    def view_read(self) -> bool:
        """Whether the current step's body has been read to its end."""
        return self._read

    def body_read(self) -> None:
        """The customer has read the current step's body to its end (scrolled to it, or heard
        it read aloud in full): its after_reading choices are offered."""
        if self.view is None or self._read or not self.view.step.body:
            return
        self._read = True
        self.view = self._make_view(self.view.step)
        self.progress.emit(self.view)

    def _may_take(self, choice: Choice) -> bool:
        """Whether a choice may be taken now; if not, the customer is told why."""
        wait = self._wait_for(choice)
        if wait > 0:
            self.step_failed.emit(StepError("flow.error.not_yet", {"seconds": wait}, False))
            return False
        if choice.after_reading and not self._read:
            self.step_failed.emit(StepError("flow.error.read_first", {}, False))
            return False
        return True

    def _wait_for(self, choice: Choice) -> int:
        if choice.ready_at is None:
            return 0
        return max(0, math.ceil(choice.ready_at - self._scheduler.monotonic()))

    def back(self) -> None:
        if not self.active or self._busy or not self.view or not self.view.can_go_back:
            return
        self._cancel_timer()
        flow, _session = self._running()
        while self._history:
            previous = flow.step(self._history.pop())
            # never re-run a device step backwards, nor show a choice that had only one
            if previous.kind is not StepKind.DEVICE and previous.id not in self._alone:
                self._enter(previous.id, remember=False)
                return
        self.leave("cancelled")

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
            self.leave("cancelled")

    def leave(self, reason: str) -> None:
        """The visit is to end (`reason` as for flow_ended): first the customer is asked for
        what is still theirs in a reader, on the flow's take-back step, then it ends."""
        if not self.active:
            return
        if self._ending is None:
            self._ending = reason
        if self._handing_back() is not None and self._busy:
            return  # asked for it right now: the visit ends once it is taken, or staff called
        self._hand_back_next()

    def end(self, reason: str) -> None:
        """Ends the flow at once: stops its work, forgets the customer; the flow's clean-up
        secures what is still in a reader (the customer was not asked for it, or walked off)."""
        flow, session = self.flow, self.session
        if flow is None or session is None:
            return
        self._cancel_timer()
        self._cancel.set()
        self._generation += 1
        self.flow, self.view, self.session = None, None, None
        self._ending, self._handed = None, set()
        self._set_busy(False)
        self.figures.flow_ended(flow.id, reason)
        log.info("session %s: flow %s ended: %s", session.id, flow.id, reason)

        def forget(_result: object = None) -> None:
            session.wipe()

        def failed(exc: BaseException) -> None:
            log.error("cleanup of %s failed: staff must check the devices", flow.id, exc_info=exc)
            forget()

        cleanup = flow.cleanup
        if cleanup is not None:  # a card left behind calls staff from here too
            ctx = StepContext(session, self.services, call_staff=self._staff_from_worker)
            self._runner.run(lambda: cleanup(ctx), forget, failed)
        else:
            forget()
        self.flow_ended.emit(flow.id, reason)

    # --- handing back what is the customer's ---------------------------------------------------

    def _handing_back(self) -> HandBack | None:
        """The take-back the current step belongs to, if it does."""
        if self.flow is None or self.view is None:
            return None
        step_id = self.view.step.id
        return next((h for h in self.flow.hand_back if step_id in h.steps), None)

    def _hand_back_next(self) -> None:
        """The visit is ending: the next take-back whose item is still held (each entered once
        while ending), or, with nothing left to ask for, the end."""
        flow, session = self._running()
        for hand_back in flow.hand_back:
            first = hand_back.steps[0]
            if first not in self._handed and hand_back.holds(session):
                self._handed.add(first)
                log.info("session %s: %s ends: asking for %s", session.id, flow.id, first)
                self._cancel_timer()
                self._drop_work()
                self._enter(first, remember=False)
                return
        self.end(self._ending or "completed")

    def _drop_work(self) -> None:
        """Stops the current step's work (a PIN entry, a read) and drops its result."""
        self._cancel.set()
        self._cancel = threading.Event()
        self._generation += 1
        self._set_busy(False)

    # --- moving between steps ---------------------------------------------------------------

    def _running(self) -> tuple[Flow, CustomerSession]:
        """The flow under way and its customer; only asked while one is."""
        if self.flow is None or self.session is None:
            raise RuntimeError("no flow is running")
        return self.flow, self.session

    def _enter(self, step_id: str, remember: bool = True) -> None:
        flow, session = self._running()
        if remember and self.view is not None:
            self._history.append(self.view.step.id)
        step = flow.step(step_id)
        self._extensions = 0
        self._read = False
        self._stage = max(self._stage, flow.stage_of(step.id))
        self.view = view = self._make_view(step)
        only = self._only_choice(view)
        if only is not None:  # a choice of one is no choice: take it, and say so next
            log.info("session %s: %s/%s taken: only %s", session.id, flow.id, step.id, only.id)
            self._alone.add(step.id)
            self._said_alone = (step.title, only.label)
            self._submitted(step, only.id)
            return
        self.view = view = replace(view, alone=self._said_alone)
        self._said_alone = None
        log.info("session %s: %s/%s", session.id, flow.id, step.id)
        self.step_entered.emit(view)
        self._count_down()
        if step.kind is StepKind.DEVICE:
            self._run_action(step, None)
        else:
            self._arm_idle()

    def _make_view(self, step: Step, params: Mapping[str, Any] | None = None) -> StepView:
        flow, session = self._running()
        choices = tuple(step.choices(session) if callable(step.choices) else step.choices)
        merged = dict(step.params(session)) if step.params else {}
        merged.update(params or {})
        picture = step.illustration
        waits = {c.id: w for c in choices if (w := self._wait_for(c)) > 0}
        return StepView(
            flow=flow,
            step=step,
            params=merged,
            choices=choices,
            summary=tuple(step.summary(session)) if step.summary else (),
            can_go_back=step.can_go_back and step.kind is not StepKind.RESULT,
            stages=flow.stages,
            stage=self._stage,
            illustration=picture(session) if callable(picture) else picture,
            photo=step.photo(session) if step.photo else None,
            waits=waits,
            read=self._read,
            alone=self.view.alone if self.view is not None and self.view.step is step else None,
            can_cancel=not any(step.id in h.steps for h in flow.hand_back),
        )

    @staticmethod
    def _only_choice(view: StepView) -> Choice | None:
        """The one choice of a CHOOSE step that offers only one (and nothing beside it)."""
        if view.step.kind is StepKind.CHOOSE and len(view.choices) == 1:
            only = view.choices[0]
            if not only.aside and only.ready_at is None and not only.after_reading:
                return only
        return None

    def _count_down(self) -> None:
        """While a choice on screen is not ready yet, its seconds are counted down once a
        second on the engine's clock (a ManualClock in tests) and the screen updated."""
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None
        view = self.view
        if view is None or not view.waits:
            return
        step, generation = view.step, self._generation

        def tick() -> None:
            self._tick = None
            if generation != self._generation or self.view is None or self.view.step is not step:
                return
            self.view = self._make_view(step, self.view.params)
            self.progress.emit(self.view)
            self._count_down()

        self._tick = self._scheduler.call_later(1.0, tick)

    def _check_field(self, step: Step, value: str) -> str | None:
        spec = step.field
        if spec is None:
            return None
        if not spec.min_length <= len(value) <= spec.max_length:
            return "flow.error.length"
        if spec.input == "digits" and not value.isdigit():
            return "flow.error.digits_only"
        return spec.validate(value) if spec.validate else None

    def _run_action(self, step: Step, value: Any) -> None:
        action = step.action
        if action is None:
            self._advance(step, None, value)
            return
        _flow, session = self._running()
        generation = self._generation
        ctx = StepContext(
            session,
            self.services,
            value,
            self._cancel,
            progress=lambda params: self._report(generation, step, params),
            call_staff=self._staff_from_worker,
            now=self._scheduler.monotonic,
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

        self._runner.run(lambda: action(ctx), done, failed)

    def _staff_from_worker(self, reason: str) -> None:
        self._runner.post(lambda: self.staff_needed.emit(reason))

    def _report(self, generation: int, step: Step, params: Mapping[str, Any]) -> None:
        # Called from the worker: hop to the UI thread before anyone touches a widget.
        def show() -> None:
            if generation == self._generation and self.view and self.view.step is step:
                self.progress.emit(self._make_view(step, params))

        self._runner.post(show)

    def _advance(self, step: Step, goto: Target | None, value: Any) -> None:
        flow, session = self._running()
        target = self._target(step, goto, value)
        hand_back = self._handing_back()
        if self._ending is not None and target is not None:
            if hand_back is not None:
                self._handed.add(hand_back.steps[0])
            if hand_back is None or target not in hand_back.steps:
                self._hand_back_next()  # taken (or secured): on to the next thing, or the end
                return
        if target is None:
            log.error(
                "session %s: %s/%s took a way it does not declare (%r)",
                session.id,
                flow.id,
                step.id,
                goto,
            )
            self._arm_idle()
            self.step_failed.emit(StepError("flow.error.system", {}, False))
        elif target == END:
            self.leave("completed")
        elif (service := chained_flow(target)) is not None:
            self._chain(service)
        else:  # a step entered again (a new SMS code) is not a step to go back to
            self._enter(target, remember=target != step.id or self.view is None)

    def _target(self, step: Step, goto: Target | None, value: Any) -> Target | None:
        """Where `step` leads now; None when that is a way it never declared (a bug the
        registration check cannot see inside an action or a function)."""
        if goto is None:
            if isinstance(step.next, str):
                return step.next
            if isinstance(step.next, Mapping):
                return step.next.get(value)
            if isinstance(step.next, Branch):
                goto = step.next.choose(self._running()[1], value)
        if goto is None:
            return self._running()[0].following(step.id) or END
        return goto if goto in step.targets() else None

    def _chain(self, flow_id: str) -> None:
        """Goes straight on to another service, keeping what the customer already showed."""
        previous, session = self._running()
        self._cancel_timer()
        self._generation += 1
        self.figures.flow_ended(previous.id, "completed")
        self.flow, self.view = None, None
        self.flow_ended.emit(previous.id, "chained")
        self.start(flow_id, session)

    def _fail(self, step: Step, exc: BaseException) -> None:
        flow, session = self._running()
        if isinstance(exc, StepFailed) and exc.goto:
            session.failure = Failure(exc.message_key, exc.params)
            self._advance(step, exc.goto, None)
            return
        # a jam, an empty cassette: staff only
        if isinstance(exc, DeviceError) and exc.action is RecommendedAction.CLEAR:
            self.staff_needed.emit("device_fault")
        # every failure told in the bank's words carries a message key: StepFailed, BackendError,
        # DeviceError, JournalUnwritable; anything else is a bug, shown as a system error
        message_key = getattr(exc, "message_key", None)
        if message_key:
            log.warning(
                "session %s: %s/%s failed: %s (%s)",
                session.id,
                flow.id,
                step.id,
                type(exc).__name__,
                message_key,
            )
            params = getattr(exc, "params", None) or {}
            can_retry = bool(getattr(exc, "retry", True))
        else:
            log.error("session %s: %s/%s broke", session.id, flow.id, step.id, exc_info=exc)
            message_key, params, can_retry = "flow.error.system", {}, False
        self._arm_idle()
        self.step_failed.emit(StepError(message_key, params, can_retry))

    # --- the idle clock -----------------------------------------------------------------------

    def _scaled(self, seconds: float) -> float:
        care = self.session is not None and self.session.care_mode
        return seconds * (self.timeouts.care_factor if care else 1.0)

    def _arm_idle(self) -> None:
        self._cancel_timer()
        if self.view is None:
            return
        step = self.view.step
        if step.kind is StepKind.RESULT:
            self._timer = self._scheduler.call_later(
                self._scaled(self.timeouts.result_s), lambda: self.leave("completed")
            )
            return
        idle = step.timeout_s if step.timeout_s is not None else self.timeouts.idle_s
        self._timer = self._scheduler.call_later(self._scaled(idle), self._ask_more_time)

    def _ask_more_time(self) -> None:
        answer = self._scaled(self.timeouts.answer_s)
        self.need_more_time.emit(answer)
        self._timer = self._scheduler.call_later(answer, lambda: self.leave("timeout"))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)
