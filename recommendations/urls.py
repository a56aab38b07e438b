from django.urls import path

from recommendations.views import clusters, curation, entities, people, related, workspace

workspace_urlpatterns = [
    path("recommendations/", workspace.RecommendationListView.as_view(), name="recommendation-list"),
    path("recommendations/new/", workspace.RecommendationCreateView.as_view(), name="recommendation-create"),
    path("recommendations/<int:pk>/edit/", workspace.RecommendationEditView.as_view(), name="recommendation-edit"),
    path("recommendations/<int:pk>/curate/", curation.RecommendationCurateView.as_view(), name="recommendation-curate"),
    path(
        "recommendations/<int:pk>/unrelate/",
        curation.RecommendationUnrelateView.as_view(),
        name="recommendation-unrelate",
    ),
    path("recommendations/bulk/", curation.BulkActionView.as_view(), name="recommendation-bulk"),
    path("recommendations/bulk/undo/", curation.RecommendationBulkUndoView.as_view(), name="recommendation-bulk-undo"),
    path("recommendations/export/", curation.ExportView.as_view(), name="recommendation-export"),
    path("recommendations/views/", curation.SavedViewCreateView.as_view(), name="saved-view-create"),
    path("recommendations/views/<int:pk>/delete/", curation.SavedViewDeleteView.as_view(), name="saved-view-delete"),
    # The people of the State (tenants.people keeps the rules; this page shows focal points' entities).
    path("members/", people.MemberListView.as_view(), name="member-list"),
    path("members/invite/", people.MemberInviteView.as_view(), name="member-invite"),
    path("members/<int:pk>/", people.MemberChangeView.as_view(), name="member-change"),
    path("invitations/<int:pk>/", people.InvitationChangeView.as_view(), name="invitation-change"),
    path("entities/", entities.EntityListView.as_view(), name="entity-list"),
    path("entities/new/", entities.EntityCreateView.as_view(), name="entity-create"),
    path("entities/<int:pk>/", entities.EntityDetailView.as_view(), name="entity-detail"),
    path("entities/<int:pk>/edit/", entities.EntityEditView.as_view(), name="entity-edit"),
    path("entities/<int:pk>/delete/", entities.EntityDeleteView.as_view(), name="entity-delete"),
    path("entities/<int:pk>/focal-points/invite/", entities.FocalPointInviteView.as_view(), name="focal-point-invite"),
    path("focal-points/<int:pk>/remove/", entities.FocalPointRemoveView.as_view(), name="focal-point-remove"),
    path("clusters/", clusters.ClusterListView.as_view(), name="cluster-list"),
    path("clusters/new/", clusters.ClusterCreateView.as_view(), name="cluster-create"),
    path("clusters/merge/", clusters.ClusterMergeView.as_view(), name="cluster-merge"),
    path("clusters/seed/", clusters.ClusterSeedView.as_view(), name="cluster-seed"),
    path("clusters/<int:pk>/edit/", clusters.ClusterEditView.as_view(), name="cluster-edit"),
    path("clusters/<int:pk>/delete/", clusters.ClusterDeleteView.as_view(), name="cluster-delete"),
    path("clusters/<int:pk>/move/", clusters.ClusterMoveView.as_view(), name="cluster-move"),
    path("related/", related.RelatedSuggestionListView.as_view(), name="related-list"),
    path("related/find/", related.RelatedFindView.as_view(), name="related-find"),
    path("related/<int:pk>/confirm/", related.RelatedConfirmView.as_view(), name="related-confirm"),
    path("related/<int:pk>/reject/", related.RelatedRejectView.as_view(), name="related-reject"),
]
