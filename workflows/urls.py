from django.urls import URLPattern, path

from .views import desk, drafting, intake, lists, participation, reviews, tasks, worklist

app_name = "workflows"

urlpatterns: list[URLPattern] = [
    path("aufgaben/", lists.inbox, name="inbox"),
    path("sichtung/", worklist.worklist_page, name="worklist"),
    path("sichtung/mehrere/", worklist.decide_many, name="worklist_decide_many"),
    path("sichtung/<int:review_pk>/entscheiden/", worklist.decide, name="worklist_decide"),
    path("sichtung/<int:review_pk>/vorschau/", worklist.preview, name="worklist_preview"),
    path("aufgaben/team/", lists.team_queue, name="team_queue"),
    path("aufgaben/<int:pk>/", tasks.task, name="task"),
    path("aufgaben/<int:pk>/uebernehmen/", tasks.claim, name="claim"),
    path("aufgaben/<int:pk>/neu-zuweisen/", tasks.reassign, name="reassign"),
    path("aufgaben/<int:pk>/freigeben/", desk.approve, name="approve"),
    path("aufgaben/<int:pk>/zurueckgeben/", desk.send_back, name="send_back"),
    path("zuweisung/", desk.assignment_desk, name="assignment_desk"),
    path("zuweisung/<int:pk>/", desk.assign_from_desk, name="assign_from_desk"),
    path("schlusszeichnung/", desk.approval_desk, name="approval_desk"),
    path("personen/<int:user_pk>/abwesenheit/", desk.absence, name="absence"),
    path("aufgaben/<int:pk>/zwischenspeichern/", drafting.autosave, name="autosave"),
    path("aufgaben/<int:pk>/zur-schlusszeichnung/", drafting.submit, name="submit_draft"),
    path(
        "aufgaben/<int:pk>/beteiligung-starten/",
        drafting.start_participation,
        name="start_participation",
    ),
    path("beteiligungen/<int:pk>/", participation.contribution, name="contribution"),
    path("vorgaenge/neu/", intake.open_review, name="open_review"),
    path("vorlagen/knapp-unter-der-schwelle/", intake.near_threshold, name="near_threshold"),
    path("vorlagen/<int:paper_pk>/aufnehmen/", intake.pull_in, name="pull_in"),
    path("vorgaenge/<int:review_pk>/fassungen/", drafting.version_diff, name="version_diff"),
    path("vorgaenge/<int:review_pk>/beirat-votum/", participation.beirat_vote, name="beirat_vote"),
    path(
        "vorgaenge/<int:review_pk>/dokumente/anfordern/",
        intake.request_documents,
        name="request_documents",
    ),
    path("ablauf/diagramm/", lists.chart_page, name="chart"),
    path("ablauf/diagramm.svg", lists.chart_svg, name="chart_svg"),
    path("vorgaenge/", reviews.review_list, name="review_list"),
    path("vorgaenge/<int:pk>/", reviews.review_detail, name="review_detail"),
]
