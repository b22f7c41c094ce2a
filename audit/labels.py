"""Dutch labels for audit actions, for timelines and access logs.

Services name their actions in code (`case_open`, `note_add`); people read these labels.
An action without a label falls back to its code, so a new action never breaks a page.
"""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "read": _("Ingezien"),
    "budget_actual_book": _("Realisatie geboekt"),
    "budget_reallocation_request": _("Herschikking aangevraagd"),
    "budget_reallocation_decide": _("Over herschikking besloten"),
    "budget_close": _("Begrotingsjaar afgesloten"),
    "budget_open": _("Begrotingsjaar geopend"),
    "case_open": _("Dossier geopend"),
    "case_update": _("Dossier bijgewerkt"),
    "case_close": _("Dossier gesloten"),
    "case_share": _("Dossier gedeeld"),
    "case_unshare": _("Delen ingetrokken"),
    "case_reassign": _("Regisseur gewisseld"),
    "case_safety_flag": _("Veiligheidssignaal gemarkeerd"),
    "household_create": _("Huishouden vastgelegd"),
    "person_create": _("Persoon vastgelegd"),
    "verwijsindex_match": _("Verwijsindex: betrokkenheid gemeld aan collega"),
    "person_split": _("Persoon gesplitst per gemeente"),
    "person_remove_orphan": _("Persoon zonder huishouden of aanmelding verwijderd"),
    "person_bsn_duplicate": _("Dubbel BSN gevonden"),
    "member_add": _("Gezinslid toegevoegd"),
    "member_update": _("Gezinslid gewijzigd"),
    "network_add": _("Netwerkcontact toegevoegd"),
    "note_add": _("Notitie toegevoegd"),
    "consent_record": _("Toestemming vastgelegd"),
    "signal_create": _("Aanmelding ontvangen"),
    "signal_triage": _("Aanmelding getrieerd"),
    "gesprek_start": _("Gesprek vastgelegd"),
    "gesprek_save": _("Gesprek (concept) opgeslagen"),
    "gesprek_finalise": _("Gesprek afgerond"),
    "meldcode_step": _("Stap Meldcode vastgelegd"),
    "domain_age_bands_default": _("Leefgebieden per leeftijd ingesteld"),
    "break_glass_open": _("Noodtoegang genomen"),
    "break_glass_revoke": _("Noodtoegang beëindigd"),
    "bsn_keys_rotate": _("BSN-sleutels vernieuwd"),
    "team_create": _("Team aangemaakt"),
    "membership_add": _("Teamlid toegevoegd"),
    "membership_change": _("Teamlidmaatschap gewijzigd"),
    "membership_remove": _("Teamlid verwijderd"),
    "user_privileges_change": _("Gebruikersrechten gewijzigd"),
    "user_password_set": _("Wachtwoord ingesteld door beheer"),
    "otp_totp_confirm": _("Tweestapsverificatie ingesteld"),
    "otp_backup_codes_generate": _("Back-upcodes gemaakt"),
    "otp_backup_code_use": _("Back-upcode gebruikt"),
    # arrangements
    "tariff_add": _("Tarief toegevoegd"),
    "arrangement_grant": _("Voorziening toegekend"),
    "arrangement_request": _("Voorziening aangevraagd"),
    "arrangement_allocate": _("Voorziening toegewezen aan aanbieder"),
    "arrangement_start": _("Start van zorg vastgelegd"),
    "arrangement_change": _("Voorziening gewijzigd"),
    "arrangement_stop": _("Voorziening beëindigd"),
    "arrangement_insufficient": _("Gemarkeerd: voorziening volstaat niet meer"),
    "arrangement_review": _("Voorziening geëvalueerd"),
    "escalation_open": _("Voorgelegd aan het expertiseteam"),
    "escalation_assign": _("Vraag opgepakt door expert"),
    "escalation_take_over": _("Dossier overgenomen door het expertiseteam"),
    "escalation_close": _("Vraag aan het expertiseteam afgesloten"),
    "decision_issue": _("Beschikking vastgelegd"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


# The screen (URL name) a read came through, as the access log and the admin show it.
# tests/accounts/test_audit_labels.py fails for a case-bound route without a label here.
VIEW_LABELS = {
    "cases:list": _("Mijn dossiers"),
    "cases:team": _("Teamoverzicht"),
    "cases:new": _("Nieuw dossier"),
    "cases:detail": _("Dossierpagina"),
    "cases:edit": _("Dossier bewerken"),
    "cases:member_add": _("Gezinslid toevoegen"),
    "cases:member_edit": _("Gezinslid bewerken"),
    "cases:network_add": _("Netwerkcontact toevoegen"),
    "cases:consent_add": _("Toestemming vastleggen"),
    "cases:share": _("Dossier delen"),
    "cases:unshare": _("Delen intrekken"),
    "cases:reassign": _("Regisseur wisselen"),
    "cases:close": _("Dossier sluiten"),
    "cases:notes": _("Notitie toevoegen"),
    "cases:access_log": _("Logboek"),
    "intake:inbox": _("Aanmeldingen"),
    "intake:signal_new": _("Nieuwe aanmelding"),
    "intake:notifications_read": _("Meldingen gelezen"),
    "intake:signal_detail": _("Aanmelding"),
    "intake:gesprek_start": _("Nieuw gesprek"),
    "intake:meldcode_steps": _("Stappen Meldcode"),
    "intake:gesprek_detail": _("Gesprek"),
    "intake:gesprek_edit": _("Gesprek bewerken"),
    "intake:gesprek_draft": _("Gesprek (concept automatisch opgeslagen)"),
    "break_glass": _("Noodtoegang"),
    "admin:cases_case_change": _("Beheer: dossier"),
}

# Target types (`app_label.model`) outside our apps; our own models are named by their
# Dutch verbose_name (every model of ours declares one; a test checks that).
TARGET_LABELS = {
    "otp_totp.totpdevice": _("Authenticator-app"),
    "otp_static.staticdevice": _("Back-upcodes"),
    "auth.group": _("Groep"),
}


def view_label(view: str) -> str:
    """The Dutch name of the screen a read came through; "—" when none was recorded."""
    if not view:
        return "—"
    return str(VIEW_LABELS.get(view, view))


def target_label(target_type: str) -> str:
    """The Dutch name of an audited kind of record (`cases.case` → "Dossier")."""
    if not target_type:
        return "—"
    if target_type in TARGET_LABELS:
        return str(TARGET_LABELS[target_type])
    from django.apps import apps

    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    return str(model._meta.verbose_name).capitalize()
