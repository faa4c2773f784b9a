from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Arbeitsabläufe")

    def ready(self) -> None:
        from review import signals
        from review.models import BeiratVote

        from . import receivers

        signals.review_opened.connect(receivers.on_review_opened, dispatch_uid="workflows.start")
        signals.decision_imported.connect(
            receivers.on_decision_imported, dispatch_uid="workflows.decision"
        )
        # Defined by the documents helper; connect only once it exists.
        if hasattr(signals, "documents_ready"):
            signals.documents_ready.connect(
                receivers.on_documents_ready, dispatch_uid="workflows.documents_ready"
            )
        # The Beirat records its vote in review.external; a saved vote may end the branch.
        post_save.connect(
            receivers.on_beirat_vote_saved, sender=BeiratVote, dispatch_uid="workflows.vote"
        )
