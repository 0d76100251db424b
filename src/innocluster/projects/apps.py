from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "innocluster.projects"
    label = "projects"
    verbose_name = "Projects: agreements and implementation"
