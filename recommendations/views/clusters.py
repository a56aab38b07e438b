"""The secretariat's clusters."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from recommendations.clusters import cluster_create, cluster_delete, cluster_move, clusters_merge, clusters_seed
from recommendations.curation_forms import ClusterForm, ClusterMergeForm, ClusterSeedForm
from recommendations.models import Cluster, Recommendation
from tenants.views.mixins import StatePermissionMixin


def to_list(request):
    return redirect("workspace:cluster-list", state_slug=request.state.slug)


class ClusterListView(StatePermissionMixin, TemplateView):
    permission_required = "recommendations.view_recommendation"
    template_name = "recommendations/cluster_list.html"

    def get_context_data(self, **kwargs):
        clusters = list(Cluster.objects.all())
        # Recommendations per cluster and unclustered, in one query.
        counts = Recommendation.objects.aggregate(
            unclustered=Count("pk", filter=Q(cluster_ids=[])),
            **{f"c{c.pk}": Count("pk", filter=Q(cluster_ids__contains=[c.pk])) for c in clusters},
        )
        return super().get_context_data(
            clusters=[(cluster, counts[f"c{cluster.pk}"]) for cluster in clusters],
            unclustered=counts["unclustered"],
            merge_form=ClusterMergeForm(),
            seed_form=ClusterSeedForm(),
            **kwargs,
        )


class ClusterFormView(StatePermissionMixin, FormView):
    permission_required = "recommendations.manage_clusters"
    template_name = "recommendations/cluster_form.html"
    form_class = ClusterForm
    cluster = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.cluster}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cluster=self.cluster, **kwargs)


class ClusterCreateView(ClusterFormView):
    def form_valid(self, form):
        cluster = cluster_create(
            state=self.request.state, names=form.names(), description=form.cleaned_data["description"]
        )
        messages.success(self.request, _("The cluster “%(name)s” was created.") % {"name": cluster})
        return to_list(self.request)


class ClusterObjectMixin:
    def dispatch(self, request, *args, **kwargs):
        self.cluster = get_object_or_404(Cluster.objects.all(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ClusterEditView(ClusterObjectMixin, ClusterFormView):
    def form_valid(self, form):
        for column, value in form.names().items():
            setattr(self.cluster, f"name_{column}", value or None)
        self.cluster.description = form.cleaned_data["description"]
        self.cluster.save()
        messages.success(self.request, _("The cluster “%(name)s” was saved.") % {"name": self.cluster})
        return to_list(self.request)


class ClusterDeleteView(ClusterObjectMixin, StatePermissionMixin, View):
    permission_required = "recommendations.manage_clusters"

    def post(self, request, *args, **kwargs):
        left = cluster_delete(cluster=self.cluster)
        messages.success(
            request,
            _("The cluster “%(name)s” was deleted; %(count)d recommendations left it.")
            % {"name": self.cluster, "count": left},
        )
        return to_list(request)


class ClusterMoveView(ClusterObjectMixin, StatePermissionMixin, View):
    permission_required = "recommendations.manage_clusters"

    def post(self, request, *args, **kwargs):
        cluster_move(cluster=self.cluster, up=request.POST.get("direction") != "down")
        return to_list(request)


class ClusterMergeView(StatePermissionMixin, View):
    permission_required = "recommendations.manage_clusters"

    def post(self, request, *args, **kwargs):
        form = ClusterMergeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the cluster to keep and at least one other to merge into it."))
            return to_list(request)
        into, others = form.cleaned_data["into"], list(form.cleaned_data["others"])
        changed = clusters_merge(into=into, others=others)
        messages.success(
            request,
            _("%(count)d clusters were merged into “%(name)s”; %(changed)d recommendations moved.")
            % {"count": len([c for c in others if c.pk != into.pk]), "name": into, "changed": changed},
        )
        return to_list(request)


class ClusterSeedView(StatePermissionMixin, View):
    permission_required = "recommendations.manage_clusters"

    def post(self, request, *args, **kwargs):
        form = ClusterSeedForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose what to create the clusters from."))
            return to_list(request)
        created, changed = clusters_seed(state=request.state, source=form.cleaned_data["source"])
        messages.success(
            request,
            _("%(created)d clusters were created and %(changed)d recommendations were put in clusters.")
            % {"created": created, "changed": changed},
        )
        return to_list(request)
