"""Write report-full.xml: an invented CyberTipline report using every element and attribute of
NCMEC's report schema. Run from the repo root:

    .venv/bin/python tests/data/ncmec/make_report_full.py

Every name, address, number and account is made up (example.com/.net/.org, 555 numbers,
documentation IP ranges RFC 5737/3849); nothing describes a real person or event. Blocks that
recur (addresses, phones, e-mails, devices, IP events, account flags, associated accounts) are
written in full each time, so each path of the schema appears at least once.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def address(tag: str, city: str, street: str = "1 Jalan Contoh", kind: str = "Home") -> str:
    return (
        f'<{tag} type="{kind}"><address>{street}</address><city>{city}</city>'
        f"<zipCode>50000</zipCode><state>VA</state><nonUsaState>Selangor</nonUsaState>"
        f"<country>MY</country></{tag}>"
    )


def phone(number: str, code: str = "+60", tag: str = "phone", kind: str = "Mobile") -> str:
    return (
        f'<{tag} type="{kind}" verified="true" verificationDate="2026-03-01T00:00:00Z" '
        f'countryCallingCode="{code}" extension="12">{number}</{tag}>'
    )


def email(value: str, tag: str = "email", kind: str = "Home") -> str:
    return (
        f'<{tag} type="{kind}" verified="true" verificationDate="2026-03-01T00:00:00Z">'
        f"{value}</{tag}>"
    )


def ip_event(ip: str, event: str = "Login", at: str = "2026-11-20T09:58:00+08:00") -> str:
    return (
        f"<ipCaptureEvent><ipAddress>{ip}</ipAddress><eventName>{event}</eventName>"
        f"<dateTime>{at}</dateTime><possibleProxy>false</possibleProxy><port>443</port>"
        "</ipCaptureEvent>"
    )


def device(kind: str, value: str, event: str = "Login") -> str:
    return (
        f"<deviceId><idType>{kind}</idType><idValue>{value}</idValue>"
        f"<eventName>{event}</eventName><dateTime>2026-11-20T09:58:00Z</dateTime></deviceId>"
    )


def disabled() -> str:
    return (
        '<accountTemporarilyDisabled disabledDate="2026-11-20T11:00:00Z" userNotified="false" '
        'userNotifiedDate="2026-11-20T11:05:00Z" reenabledDate="2026-11-21T11:00:00Z">true'
        "</accountTemporarilyDisabled>"
        '<accountPermanentlyDisabled disabledDate="2026-11-22T00:00:00Z" userNotified="true" '
        'userNotifiedDate="2026-11-22T00:10:00Z">true</accountPermanentlyDisabled>'
    )


def location(city: str) -> str:
    return (
        f'<estimatedLocation verified="false" timestamp="2026-11-20T10:00:00Z"><city>{city}</city>'
        "<region>Selangor</region><countryCode>MY</countryCode></estimatedLocation>"
    )


def person(tag: str, first: str, last: str, number: str, mail: str, city: str, age: int,
           born: str, *, contact: bool = False, code: str = "+60") -> str:  # fmt: skip
    extra = "" if contact else f"<age>{age}</age><dateOfBirth>{born}</dateOfBirth>"
    return (
        f"<{tag}><firstName>{first}</firstName><lastName>{last}</lastName>{phone(number, code)}"
        f"{email(mail)}{address('address', city)}{extra}</{tag}>"
    )


def associated(kind: str, name: str, service_id: str, ip: str) -> str:
    return (
        f'<associatedAccount type="{kind}"><platform thirdPartyUser="true">ExamplePhotos</platform>'
        f"<firstName>{name}</firstName><middleName>Bin</middleName><lastName>Contoh</lastName>"
        "<approximateAge>35</approximateAge><dateOfBirth>1991-05-06</dateOfBirth>"
        f"{phone('198765432')}{email(name.lower() + '.photos@example.com')}"
        "<allEmailsReported>false</allEmailsReported>"
        f"{address('address', 'Shah Alam')}<espService>ExamplePhotos</espService>"
        f"<espIdentifier>{service_id}</espIdentifier>"
        f"<profileUrl>https://photos.example.com/{service_id}</profileUrl>"
        f"<screenName>{name.lower()}_photos</screenName><displayName>{name} Photos</displayName>"
        "<profileBio>Photography.</profileBio><groupIdentifier>group-78</groupIdentifier>"
        f"<compromisedAccount>false</compromisedAccount>{disabled()}"
        f"{ip_event(ip, 'Other')}{device('Device serial', 'SN-' + service_id)}"
        f"<priorCTReport>123458</priorCTReport><additionalInfo>Linked by e-mail.</additionalInfo>"
        "</associatedAccount>"
    )


def account(first: str, service_id: str, screen: str, ip: str) -> str:
    """espIdentifier ... profileBio, shared by reported users, recipients and victims."""
    return (
        f"<espIdentifier>{service_id}</espIdentifier><espService>ExampleChat</espService>"
        f"<compromisedAccount>false</compromisedAccount><screenName>{screen}</screenName>"
        f"<displayName>{first}</displayName><displayName>{first[:2].upper()}</displayName>"
        f"<profileUrl>https://example.com/u/{screen}</profileUrl>"
        f"<profileBio>Bio of {screen} (invented).</profileBio>{ip_event(ip)}"
        f"{ip_event(ip.rsplit('.', 1)[0] + '.200', 'Registration', '2026-01-05T08:00:00')}"
    )


def internet_details() -> str:
    parts = [
        '<webPageIncident thirdPartyHostedContent="true"><url>https://files.example.com/share/7f3a'
        "</url><url>https://example.org/forum/thread/12</url>"
        "<additionalInfo>The file host is not ours.</additionalInfo></webPageIncident>",
        f"<emailIncident>{email('sender@example.com', 'emailAddress')}"
        f"{email('recipient@example.net', 'emailAddress', 'Work')}"
        "<content>Subject: hello&#10;Do not tell anyone about our chats.</content>"
        "<additionalInfo>Headers kept by the mail service.</additionalInfo></emailIncident>",
        f"<newsgroupIncident><name>alt.example.test</name>"
        f"{email('poster@example.com', 'emailAddress', 'Business')}"
        "<content>Post body (invented).</content><additionalInfo>Newsgroup post.</additionalInfo>"
        "</newsgroupIncident>",
        "<chatImIncident><chatClient>ExampleChat</chatClient><chatRoomName>Study group 5B"
        "</chatRoomName><content>abang_baik: umur berapa? / adik: 12</content>"
        "<additionalInfo>Room is private, three members.</additionalInfo></chatImIncident>",
        "<onlineGamingIncident><gameName>Example Kart</gameName><console>Example Console 2"
        "</console><content>Voice chat transcript (invented).</content>"
        "<additionalInfo>Lobby 44.</additionalInfo></onlineGamingIncident>",
        f"<cellPhoneIncident>{phone('123456789', tag='phoneNumber')}<latitude>3.139</latitude>"
        "<longitude>101.6869</longitude><additionalInfo>SMS thread.</additionalInfo>"
        "</cellPhoneIncident>",
        f"<nonInternetIncident><locationName>Example Park</locationName>"
        f"{address('incidentAddress', 'Kuala Lumpur', kind='Business')}"
        "<additionalInfo>Meeting place named in the chat.</additionalInfo></nonInternetIncident>",
        f"<peer2peerIncident><client>ExampleShare 1.2</client>"
        f"{ip_event('198.51.100.7', 'Upload', '2026-11-19T22:00:00Z')}"
        "<fileNames>holiday.zip</fileNames><additionalInfo>Seen on the swarm.</additionalInfo>"
        "</peer2peerIncident>",
    ]
    return "".join(f"<internetDetails>{part}</internetDetails>" for part in parts)


def report() -> str:
    summary = (
        "<incidentSummary><incidentType>Online Enticement of Children for Sexual Acts"
        "</incidentType><platform>ExampleChat for Android</platform>"
        "<escalateToHighPriority>The reported user arranged to meet the child tomorrow."
        "</escalateToHighPriority><reportAnnotations><sextortion>true</sextortion>"
        "<csamSolicitation>true</csamSolicitation><minorToMinorInteraction>true"
        "</minorToMinorInteraction><spam>true</spam><sadisticOnlineExploitation>true"
        "</sadisticOnlineExploitation></reportAnnotations>"
        "<incidentDateTime>2026-11-20T10:15:00</incidentDateTime>"
        "<incidentDateTimeDescription>Time of the last message before the report."
        "</incidentDateTimeDescription></incidentSummary>"
    )
    officer = person(
        "officerContact",
        "Officer",
        "Example",
        "2025550123",
        "officer@police.example",
        "Springfield",
        0,
        "",
        contact=True,
        code="+1",
    )
    law = (
        "<lawEnforcement><agencyName>Example Police Unit</agencyName><caseNumber>EPU-2026-0042"
        f"</caseNumber>{officer}<reportedToLe>true</reportedToLe>"
        "<servedLegalProcessDomestic>false</servedLegalProcessDomestic>"
        '<servedLegalProcessInternational fleaCountry="MY">true'
        "</servedLegalProcessInternational></lawEnforcement>"
    )
    reporter = (
        "<reporter>"
        + person(
            "reportingPerson",
            "Trust",
            "Team",
            "2025550100",
            "trust@example.com",
            "Example City",
            40,
            "1986-01-01",
            code="+1",
        )
        + person(
            "contactPerson",
            "On Call",
            "Analyst",
            "2025550101",
            "oncall@example.com",
            "Example City",
            0,
            "",
            contact=True,
            code="+1",
        )
        + "<companyTemplate>ExampleChat reporting template v3</companyTemplate>"
        "<termsOfService>https://example.com/terms</termsOfService>"
        "<legalURL>https://example.com/legal</legalURL></reporter>"
    )
    reported = (
        "<personOrUserReported>"
        + person(
            "personOrUserReportedPerson",
            "Abang",
            "Baik",
            "123456789",
            "abang.baik@example.com",
            "Shah Alam",
            34,
            "1992-05-06",
        )
        + "<vehicleDescription>Grey hatchback (invented).</vehicleDescription>"
        + account("Abang Baik", "u-1001", "abang_baik", "192.0.2.44")
        + device("IMEI", "356938035643809")
        + device("Advertising ID", "38400000-8cf0-11bd-b23e-10b96e40000d")
        + "<thirdPartyUserReported>false</thirdPartyUserReported>"
        "<priorCTReports>123456</priorCTReports><priorCTReports>123457</priorCTReports>"
        "<groupIdentifier>group-77</groupIdentifier>"
        + disabled()
        + location("Shah Alam")
        + "<allEmailsReported>true</allEmailsReported>"
        + associated("Linked", "Abang", "p-2002", "192.0.2.45")
        + "<additionalInfo>Account created in January.</additionalInfo></personOrUserReported>"
    )
    recipient = (
        "<intendedRecipient>"
        + person(
            "intendedRecipientPerson",
            "Adik",
            "Penerima",
            "111222333",
            "adik.penerima@example.com",
            "Petaling Jaya",
            13,
            "2013-02-03",
        )
        + account("Adik Penerima", "u-3003", "adik_p", "203.0.113.9")
        + device("Android ID", "9774d56d682e549c")
        + "<priorCTReports>123459</priorCTReports><groupIdentifier>group-77</groupIdentifier>"
        + disabled()
        + location("Petaling Jaya")
        + "<allEmailsReported>true</allEmailsReported>"
        "<additionalInfo>Messages were sent to this account.</additionalInfo>"
        "<additionalInfo>Second note.</additionalInfo></intendedRecipient>"
    )
    victim = (
        "<victim>"
        + person(
            "victimPerson",
            "Siti",
            "Contoh",
            "134445555",
            "siti.contoh@example.com",
            "Klang",
            12,
            "2014-04-05",
        )
        + account("Siti Contoh", "u-4004", "siti_c", "203.0.113.10")
        + device("IMEI", "490154203237518")
        + "<schoolName>SK Contoh</schoolName><priorCTReports>123460</priorCTReports>"
        + disabled()
        + location("Klang")
        + "<allEmailsReported>false</allEmailsReported>"
        + associated("Parent/Guardian", "Ibu", "u-5005", "203.0.113.11")
        + "<additionalInfo>The child's account was taken over.</additionalInfo></victim>"
    )
    body = (
        '<batchedReport reason="VIRAL_POTENTIAL_MEME"/>'
        + summary
        + internet_details()
        + law
        + reporter
        + reported
        + recipient
        + victim
        + "<additionalInfo>Invented report for tests.</additionalInfo>"
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<report>{body}</report>\n'


def main() -> None:
    import xml.dom.minidom

    # Our own string, not outside input.
    pretty = xml.dom.minidom.parseString(report()).toprettyxml(indent="  ", encoding="UTF-8")  # noqa: S318
    lines = [line for line in pretty.decode().splitlines() if line.strip()]
    comment = (
        "<!-- Invented CyberTipline report using every element and attribute of NCMEC's "
        "report schema; written by make_report_full.py. -->"
    )
    lines.insert(1, comment)
    (HERE / "report-full.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
