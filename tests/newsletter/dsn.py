"""Returned mail as receiving servers write it, for the bounce tests."""

from __future__ import annotations


def dsn(*, to: str, recipient: str, message_id: str, status: str = "5.1.1") -> bytes:
    """A delivery status notification (RFC 3464) as Postfix sends it."""
    action = "failed" if status.startswith("5") else "delayed"
    return f"""Return-Path: <>
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org
Arrival-Date: Wed,  2 Dec 2026 07:01:02 +0100 (CET)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address
    rejected: User unknown in virtual mailbox table

--BOUNDARY
Content-Type: text/rfc822-headers

From: =?utf-8?q?Sanit=C3=A033?= <newsletter@sanita33.it>
To: {recipient}
Subject: Sanita33 Daily
Message-ID: {message_id}

--BOUNDARY--
""".replace("\n", "\r\n").encode()


def arf(*, recipient: str, mail_from: str, message_id: str, kind: str = "abuse") -> bytes:
    """A spam complaint in the Abuse Reporting Format (RFC 5965)."""
    return f"""From: <abuse@isp.example>
To: <fbl@sanita33.it>
Subject: FW: Sanita33 Daily
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
     boundary="part1_13d.2e68ed54_boundary"

--part1_13d.2e68ed54_boundary
Content-Type: text/plain; charset="US-ASCII"

This is an email abuse report for an email message received from IP
192.0.2.1 on Thu, 8 Mar 2026 14:00:00 EDT.

--part1_13d.2e68ed54_boundary
Content-Type: message/feedback-report

Feedback-Type: {kind}
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <{mail_from}>
Original-Rcpt-To: <{recipient}>
Arrival-Date: Thu, 8 Mar 2026 14:00:00 EDT
Reported-Domain: sanita33.it

--part1_13d.2e68ed54_boundary
Content-Type: message/rfc822
Content-Disposition: inline

From: <newsletter@sanita33.it>
To: <{recipient}>
Subject: Sanita33 Daily
Message-ID: {message_id}
Date: Thu, 8 Mar 2026 13:00:00 +0100

Il testo.
--part1_13d.2e68ed54_boundary--
""".replace("\n", "\r\n").encode()
