"""Account opening on the core: the staff rules, the answers kept in the flow's state, the SMS
cool-down on the flow's clock, and the offer to go straight on to a debit card."""

from __future__ import annotations

from kiosk.flows import account_opening
from kiosk.flows.account_opening import AccountOpeningState, staff_reasons
from kiosk.flows.identity import IdentityState
from kiosk.flows.pin_setup import PinSetupState
from kiosk.session import CustomerSession

ZHAO_PHONE = "13500135000"
TEST_CODE = "246810"  # the sandbox's SMS gateway always accepts it
GOOD_PIN = "802413"


def test_staff_rules_class_i_age_70_and_a_retaken_photo():
    session = CustomerSession("zh_CN")
    account, identity = session.state(AccountOpeningState), session.state(IdentityState)
    account.account_class, identity.age = "II", 69
    assert staff_reasons(session) == []
    account.account_class, identity.age, identity.face_retried = "I", 70, True
    assert staff_reasons(session) == [
        "identity.staff.reason_class_i",
        "identity.staff.reason_age",
        "identity.staff.reason_face",
    ]


def _to_the_phone(visit, person: str = "zhao", product: str = "standard_debit") -> CustomerSession:
    visit.devices.id_card_reader.insert(person)
    visit.devices.camera.set_face(True)
    visit.kiosk.begin("account_opening")
    visit.answer(product, "II")
    visit.agrees()  # the agreement
    visit.agrees()  # the consent
    assert visit.step == "phone"
    return visit.engine.session


def test_the_answers_are_kept_and_the_account_is_opened_with_them(visit):
    session = _to_the_phone(visit)
    visit.answer(ZHAO_PHONE, TEST_CODE)
    state = session.state(AccountOpeningState)
    assert (state.product, state.account_class, state.phone) == ("standard_debit", "II", ZHAO_PHONE)
    assert visit.step == "review" and state.otp_codes == 1
    visit.key_pin(GOOD_PIN)
    visit.key_pin(GOOD_PIN)
    visit.answer("confirm")
    assert visit.step == "opened" and state.account is not None
    assert session.state(PinSetupState).check is not None
    assert state.card_offer  # a debit product, and cards in the dispenser
    assert [c.id for c in visit.engine.view.choices] == ["card_issue", "done"]
    visit.answer("card_issue")
    assert visit.ended == [("account_opening", "chained")]
    assert visit.engine.flow.id == "card_issue" and visit.engine.session is session


def test_a_second_code_waits_for_the_cool_down_on_the_flows_clock(visit):
    session = _to_the_phone(visit, product="e_account")
    visit.answer(ZHAO_PHONE)
    visit.engine.back()
    visit.answer(ZHAO_PHONE)
    assert visit.error_keys == ["account_opening.otp.wait"]
    assert visit.errors[0].params["seconds"] == 60
    assert session.state(AccountOpeningState).otp_codes == 1


def test_a_new_code_counts_down_its_cool_down_then_the_codes_left(visit, clock, core_kiosk):
    session = _to_the_phone(visit, product="e_account")
    visit.answer(ZHAO_PHONE)
    assert visit.step == "otp"
    [resend] = visit.engine.view.choices
    assert resend.id == account_opening.RESEND and resend.aside
    assert visit.engine.view.waits == {resend.id: 60}
    assert visit.engine.view.params["codes_left"] == account_opening.MAX_CODES - 1
    countdown: list[int] = []
    visit.engine.progress.connect(lambda view: countdown.append(view.waits.get(resend.id, 0)))
    visit.answer(resend.id)  # too soon: refused, and the customer told how long to wait
    assert visit.errors[-1].message_key == "flow.error.not_yet"
    assert session.state(AccountOpeningState).otp_codes == 1
    clock.advance(account_opening.RESEND_COOLDOWN_S)
    assert countdown == list(range(59, -1, -1))  # once a second, down to ready
    bank = core_kiosk.sandbox.database
    for _ in range(account_opening.MAX_CODES - 1):
        with bank.transaction() as tx:  # a minute later at the bank too
            tx.run("UPDATE otps SET expires_at = expires_at - 60")
        clock.advance(account_opening.RESEND_COOLDOWN_S)
        visit.answer(resend.id)
        assert visit.step == "otp"
    # the visit's three codes are used: no button, and back goes to the phone number once
    assert session.state(AccountOpeningState).otp_codes == account_opening.MAX_CODES
    assert visit.engine.view.choices == () and visit.engine.view.params["codes_left"] == 0
    visit.engine.back()
    assert visit.step == "phone"


def test_refusing_the_agreement_ends_politely_and_keeps_nothing(visit):
    visit.kiosk.begin("account_opening")
    session = visit.engine.session
    visit.answer("standard_debit", "II", "refuse")
    assert visit.step == "refused" and visit.stages[-1] == len(visit.engine.view.stages) - 1
    visit.answer("done")
    assert visit.ended == [("account_opening", "completed")] and session.is_empty
