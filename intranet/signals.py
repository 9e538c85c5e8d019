from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Unit, User


@receiver(post_save, sender=Unit)
def keep_unit_groups_in_sync(sender, instance: Unit, raw=False, **kwargs):
    """Every unit has its own editors' and heads' groups, renamed with the unit."""
    if not raw:
        instance.sync_groups()
        refresh_directory_text(instance.staff.select_related("user", "unit"))


def refresh_directory_text(profiles) -> None:
    from intranet.models import StaffProfile

    changed = []
    for profile in profiles:
        text = profile.build_search_text()
        if text != profile.search_text:
            profile.search_text = text
            changed.append(profile)
    StaffProfile.objects.bulk_update(changed, ["search_text"])


@receiver(post_delete, sender=Unit)
def drop_unit_groups(sender, instance: Unit, **kwargs):
    for group in (instance.editors_group, instance.heads_group):
        if group is not None:
            group.delete()


@receiver(post_save, sender=User)
def ensure_profile(sender, instance: User, created=False, raw=False, **kwargs):
    """Every account has a staff profile and is a reader."""
    if raw:
        return
    if not created:
        from intranet.models import StaffProfile

        refresh_directory_text(
            StaffProfile.objects.filter(user=instance).select_related("user", "unit")
        )
        return
    from django.contrib.auth.models import Group

    from intranet import roles
    from intranet.models import StaffProfile

    StaffProfile.objects.get_or_create(user=instance)
    readers = Group.objects.filter(name=roles.READERS).first()
    if readers is not None:
        instance.groups.add(readers)
