from django.urls import path

from consultation.views import consultations, discussion, network, nhri

# /<state>/workspace/…
workspace_urlpatterns = [
    # The discussion of a recommendation, an action, a progress update.
    path(
        "recommendations/<int:pk>/comments/",
        discussion.CommentCreateView.as_view(kind="recommendation"),
        name="recommendation-comment-create",
    ),
    path(
        "actions/<int:pk>/comments/", discussion.CommentCreateView.as_view(kind="action"), name="action-comment-create"
    ),
    path(
        "updates/<int:pk>/comments/", discussion.CommentCreateView.as_view(kind="update"), name="update-comment-create"
    ),
    path("comments/<int:pk>/edit/", discussion.CommentEditView.as_view(), name="comment-edit"),
    path(
        "recommendations/<int:pk>/discussion/export/",
        discussion.DiscussionExportView.as_view(),
        name="recommendation-discussion-export",
    ),
    # Messages to the network.
    path("messages/", network.MessageListView.as_view(), name="message-list"),
    path("messages/new/", network.MessageCreateView.as_view(), name="message-create"),
    path("messages/<int:pk>/", network.MessageDetailView.as_view(), name="message-detail"),
    path("messages/<int:pk>/reply/", network.MessageReplyView.as_view(), name="message-reply"),
    path("attachments/<int:pk>/", network.AttachmentDownloadView.as_view(), name="attachment-download"),
    # Public consultations, the secretariat's side.
    path("consultations/", consultations.ConsultationListView.as_view(), name="consultation-list"),
    path("consultations/new/", consultations.ConsultationCreateView.as_view(), name="consultation-create"),
    path("consultations/<int:pk>/", consultations.ConsultationDetailView.as_view(), name="consultation-detail"),
    path("consultations/<int:pk>/close/", consultations.ConsultationCloseView.as_view(), name="consultation-close"),
    path("submissions/<int:pk>/", consultations.SubmissionDetailView.as_view(), name="submission-detail"),
    path("submissions/<int:pk>/review/", consultations.SubmissionReviewView.as_view(), name="submission-review"),
    path("submissions/<int:pk>/file/", consultations.SubmissionFileView.as_view(), name="submission-file"),
    # The NHRI.
    path("recommendations/<int:pk>/assessment/", nhri.AssessmentEditView.as_view(), name="assessment-edit"),
    path("consultation-settings/", nhri.ConsultationSettingsView.as_view(), name="consultation-settings"),
]
