"""Who is an admin: Telegram decides, the stored role follows.

Every admin action asks getChatMember (cached briefly, ``runtime.AdminCache``) and mirrors the
answer into the member's role with one use case (``community.mirror_admin_role``), which the use
cases then check again.
"""

from __future__ import annotations

from telegram import User

from tgexchange.bot.runtime import Context, Runtime
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member
from tgexchange.services import community as community_service


async def admin_member(
    rt: Runtime, context: Context, community: Community, user: User, *, join: bool = True
) -> Member | None:
    """The user as an admin member of the community, or None when Telegram says they are not an
    admin there (or, when Telegram cannot be asked, their stored role says so). An admin who never
    joined is joined, unless ``join`` is False."""
    told = await rt.admins.is_admin(context.bot, community.telegram_chat_id, user.id)
    role = await rt.run(
        community_service.mirror_admin_role,
        rt.uow(),
        community_id=community.id,
        telegram_user_id=user.id,
        told=told,
        now=rt.now(),
        display_name=user.full_name if join else None,
        username=user.username,
        language=rt.language(user, None, context),
    )
    if role.changed:
        rt.memberships.forget(user.id)
    return role.member
