"""The demo's threaded email conversation: a complaint with a photo, and replies.

Played through the real paths, back-dated like the scripts (`clock.at`):

1. the customer's complaint arrives as an .eml with a PNG photo of the damage,
   taken in by `mail.services.inbound_email_ingest` (files a Triage case and
   keeps the photo as an attachment);
2. the lead routes it to Customer care and hands it to the agent, whose reply goes out through the outbox
   (`complaints.services.message_post` → the customer-message email, with
   In-Reply-To and References naming the complaint);
3. the customer answers that email: its In-Reply-To names our outbox
   Message-ID, so ingestion threads it onto the case;
4. the agent answers again, threaded onto the customer's answer.

Safe to run again: the messages keep their Message-IDs (a second ingest is a
`duplicate`) and a reply already posted is not posted twice.
"""

from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from io import BytesIO
from typing import Any

from django.conf import settings

from complaints.assignment import case_assign, case_route
from complaints.models import Case, Visibility
from complaints.services import message_post
from mail.models import InboundEmail
from mail.services import inbound_email_ingest
from notifications.models import Outbox
from teams.models import Team

from .clock import at

CUSTOMER = ("Priya Nair", "priya.nair@example.net")
COMPLAINT_ID = "demo-lamp-1@mail.example.net"
ANSWER_ID = "demo-lamp-2@mail.example.net"
SUBJECT = "Desk lamp arrived with a cracked shade"
COMPLAINT = (
    "Hello,\n\nThe desk lamp I ordered last week (order 55120) arrived today "
    "with the glass shade cracked right across. The box looked fine, so it "
    "must have been packed like that. A photo is attached.\n\nI would like a "
    "replacement shade, not a refund: the lamp is a gift.\n\nPriya"
)
FIRST_REPLY = (
    "Dear Priya, I am sorry the lamp arrived broken, and thank you for the "
    "photo: it makes the damage very clear. We can send a replacement shade. "
    "Could you confirm the delivery address is still the one on order 55120?"
)
ANSWER = "Yes, same address please. Thank you for sorting this out so quickly.\n\nPriya"
SECOND_REPLY = (
    "Thank you, Priya. The replacement shade leaves our warehouse today and "
    "should reach you within two working days. We will check in once it has."
)


def photo_png() -> bytes:
    """A small PNG 'photo' of a cracked shade, drawn here (no file shipped)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 180), (236, 230, 218))
    draw = ImageDraw.Draw(image)
    draw.polygon([(60, 40), (180, 40), (210, 120), (30, 120)], fill=(250, 214, 120))
    draw.rectangle([112, 120, 128, 165], fill=(90, 90, 90))
    draw.line([(95, 45), (120, 80), (105, 100), (140, 118)], fill=(40, 40, 40), width=3)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _eml(
    *, message_id: str, body: str, when: datetime, subject: str, thread: list[str]
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"{CUSTOMER[0]} <{CUSTOMER[1]}>"
    msg["To"] = settings.REPLY_TO_ADDRESS
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{message_id}>"
    if thread:
        msg["In-Reply-To"] = thread[-1]
        msg["References"] = " ".join(thread)
    msg.set_content(body)
    return msg


def complaint_eml(when: datetime) -> bytes:
    """The customer's first email, with the photo attached."""
    msg = _eml(
        message_id=COMPLAINT_ID, body=COMPLAINT, when=when, subject=SUBJECT, thread=[]
    )
    msg.add_attachment(
        photo_png(), maintype="image", subtype="png", filename="cracked-shade.png"
    )
    return msg.as_bytes()


def answer_eml(when: datetime, *, reply: Outbox) -> bytes:
    """The customer's answer to our email `reply`, quoting it as mail clients do."""
    quoted = "\n".join(f"> {line}" for line in reply.body.splitlines())
    body = f"{ANSWER}\n\nOn {format_datetime(reply.created_at)}, we wrote:\n{quoted}\n"
    thread = [f"<{COMPLAINT_ID}>", reply.message_id]
    return _eml(
        message_id=ANSWER_ID,
        body=body,
        when=when,
        subject=f"Re: {reply.subject}",
        thread=thread,
    ).as_bytes()


def _reply(case: Case, text: str, agent: Any) -> Outbox:
    """Post the agent's reply once; return its outbox email."""
    message = case.messages.filter(body=text).first()
    if message is None:
        message = message_post(
            case=case, body=text, visibility=Visibility.CUSTOMER, by=agent
        )
    return Outbox.objects.get(key=f"message:{message.pk}")


def email_thread_play(*, users: dict[str, Any], now: datetime) -> Case:
    """Play the conversation (or what is missing of it); return its case."""
    start = now - timedelta(days=2)
    with at(start):
        inbound_email_ingest(raw=complaint_eml(start), source="demo")
    case = InboundEmail.objects.get(message_id=COMPLAINT_ID).case
    with at(start + timedelta(hours=2)):
        if case.assignee_id is None:
            care = Team.objects.get(slug="care")
            case = case_route(case=case, team=care, by=users["lead"])
            case = case_assign(case=case, assignee=users["agent"], by=users["lead"])
        first = _reply(case, FIRST_REPLY, users["agent"])
    answered = start + timedelta(days=1)
    with at(answered):
        inbound_email_ingest(raw=answer_eml(answered, reply=first), source="demo")
    with at(answered + timedelta(hours=1)):
        _reply(Case.objects.get(pk=case.pk), SECOND_REPLY, users["agent"])
    return Case.objects.get(pk=case.pk)
