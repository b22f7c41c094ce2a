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
    "consent_withdraw": _("Toestemming ingetrokken"),
    "consent_regive": _("Toestemming opnieuw gegeven"),
    "unusual_access_report": _("Overzicht ongebruikelijke toegang gemaakt"),
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
    "ceiling_approval_request": _("Goedkeuring boven het budgetplafond gevraagd"),
    "ceiling_approval_decide": _("Over goedkeuring boven het budgetplafond besloten"),
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
    "plan_start": _("Plan gestart"),
    "plan_update": _("Plan bijgewerkt"),
    "plan_goal_add": _("Doel toegevoegd aan het plan"),
    "plan_goal_update": _("Doel in het plan gewijzigd"),
    "plan_goal_remove": _("Doel verwijderd uit het plan"),
    "plan_action_add": _("Actie toegevoegd aan het plan"),
    "plan_action_done": _("Actie uit het plan afgerond"),
    "plan_safety_add": _("Veiligheidsafspraak vastgelegd"),
    "plan_risk_add": _("Risico vastgelegd"),
    "plan_agree": _("Plan akkoord"),
    "plan_activate": _("Plan in uitvoering"),
    "plan_evaluate": _("Plan geëvalueerd"),
    "plan_pdf_request": _("PDF van het plan aangevraagd"),
    "plan_questionnaire_invite": _("Vragenlijst klantervaring verstuurd"),
    # partners: declarations, requests for allocation and progress reports (partner API)
    "budget_actuals_book": _("Realisaties geboekt uit een declaratie"),
    "partner_declaration_receive": _("Declaratie ontvangen van de aanbieder"),
    "partner_allocation_request": _("Verzoek om toewijzing ontvangen van de aanbieder"),
    "partner_allocation_request_handle": _("Verzoek om toewijzing afgehandeld"),
    "partner_progress_report": _("Voortgangsrapportage ontvangen van de aanbieder"),
    # partner API (issue 14)
    "api_client_create": _("API-client aangemaakt"),
    "api_client_revoke": _("API-client ingetrokken"),
    "partner_acknowledge": _("Toewijzing ontvangen door de aanbieder (301)"),
    "partner_start": _("Start van zorg gemeld door de aanbieder (305)"),
    "partner_stop": _("Stop van zorg gemeld door de aanbieder (307)"),
    # retention (docs/retention.md)
    "retention_policy_change": _("Bewaartermijn ingesteld"),
    "retention_run_create": _("Proefrun bewaartermijnen gemaakt"),
    "retention_run_approve": _("Bewaartermijnrun goedgekeurd"),
    "retention_run_reject": _("Bewaartermijnrun afgewezen"),
    "retention_delete": _("Verlopen gegevens verwijderd (aantallen)"),
    "retention_run_done": _("Bewaartermijnrun afgerond"),
    "legal_hold_place": _("Bewaarplicht geplaatst"),
    "legal_hold_lift": _("Bewaarplicht opgeheven"),
    # subject access (AVG art. 15, 16, 18)
    "subject_access_export": _("Inzage-export gestart (AVG art. 15)"),
    "subject_access_expire": _("Inzage-export verwijderd na 30 dagen"),
    "person_rectify": _("Persoonsgegevens gecorrigeerd (AVG art. 16)"),
    "person_restrict": _("Verwerking beperkt (AVG art. 18)"),
    "person_restriction_lift": _("Beperking van de verwerking opgeheven"),
    # reports
    "report_request": _("Rapport aangevraagd"),
    "report_schedule_change": _("Planning kwartaalrapportage gewijzigd"),
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
    "cases:consent_change": _("Toestemming intrekken of opnieuw geven"),
    "cases:access_review": _("Overzicht ongebruikelijke toegang"),
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
    "cases:section": _("Dossierpagina (tabblad)"),
    "plan:detail": _("Plan"),
    "plan:start": _("Plan starten"),
    "plan:edit": _("Plan bewerken"),
    "plan:goal_add": _("Doel toevoegen"),
    "plan:goal_edit": _("Doel bewerken"),
    "plan:goal_remove": _("Doel verwijderen"),
    "plan:action_add": _("Actie toevoegen"),
    "plan:action_done": _("Actie afronden"),
    "plan:safety_add": _("Veiligheidsafspraak toevoegen"),
    "plan:risk_add": _("Risico toevoegen"),
    "plan:agree": _("Plan akkoord"),
    "plan:activate": _("Plan uitvoeren"),
    "plan:evaluate": _("Plan evalueren"),
    "plan:version": _("Planversie"),
    "plan:pdf": _("Plan als PDF"),
    "plan:pdf_run": _("PDF van het plan"),
    "plan:questionnaire_invite": _("Vragenlijst klantervaring"),
    "arrangements:case_list": _("Voorzieningen"),
    "arrangements:new": _("Voorziening aanvragen"),
    "arrangements:estimate": _("Raming voorziening"),
    "arrangements:detail": _("Voorziening"),
    "arrangements:step": _("Status voorziening"),
    "arrangements:change": _("Voorziening wijzigen"),
    "arrangements:stop": _("Voorziening beëindigen"),
    "arrangements:insufficient": _("Voorziening volstaat niet meer"),
    "arrangements:review": _("Voorziening evalueren"),
    "arrangements:case_escalations": _("Vragen aan het expertiseteam"),
    "arrangements:escalation_new": _("Voorleggen aan het expertiseteam"),
    "arrangements:escalation_detail": _("Vraag aan het expertiseteam"),
    "arrangements:escalation_advies": _("Advies van het expertiseteam"),
    "arrangements:escalation_besluit": _("Besluit van het expertiseteam"),
    "arrangements:escalation_overnemen": _("Dossier overnemen (expertiseteam)"),
    "arrangements:escalation_teruggeven": _("Dossier teruggeven (expertiseteam)"),
    "arrangements:decision_pdf": _("Beschikking als PDF"),
    "partners:request_handle": _("Verzoek van aanbieder afhandelen"),
    # partner API (issue 14): reads by a provider's system, not by a person
    "partners_api:allocation_list": _("Partner-API: toewijzingen"),
    "partners_api:allocation_detail": _("Partner-API: toewijzing"),
    "partners_api:allocation_acknowledge": _("Partner-API: ontvangst toewijzing (301)"),
    "partners_api:allocation_start": _("Partner-API: start zorg (305)"),
    "partners_api:allocation_stop": _("Partner-API: stop zorg (307)"),
    "retention:hold_place": _("Bewaarplicht plaatsen"),
    "retention:hold_lift": _("Bewaarplicht opheffen"),
    "subjectaccess:person": _("Inzageverzoek"),
    "subjectaccess:rectify": _("Gegevens corrigeren"),
    "subjectaccess:export": _("Inzage-export (AVG art. 15)"),
    "subjectaccess:export_pdf": _("Inzage-export als PDF"),
    "subjectaccess:export_json": _("Inzage-export als JSON"),
    "arrangements:ceiling_approval": _("Goedkeuring boven het budgetplafond"),
    "reports:download": _("Rapportage gedownload"),
}

# Target types (`app_label.model`) outside our apps, and the few models of ours without a Meta
# verbose_name; every other model of ours is named by its Dutch verbose_name (a test checks that).
TARGET_LABELS = {
    "otp_totp.totpdevice": _("Authenticator-app"),
    "otp_static.staticdevice": _("Back-upcodes"),
    "auth.group": _("Groep"),
    # Models of plan/arrangements/budget without a Meta verbose_name (yet): named here.
    "arrangements.commitmentmonth": _("Verplichting per maand"),
    "arrangements.escalationwarning": _("Waarschuwing over een escalatie"),
    "budget.monthlyrollup": _("Maandtotaal"),
    "budget.inflowrollup": _("Instroom per maand"),
    "budget.householdspend": _("Uitgaven per huishouden"),
    "budget.householdfigure": _("Kengetal per huishouden"),
    "budget.householdcontribution": _("Eigen bijdrage"),
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
