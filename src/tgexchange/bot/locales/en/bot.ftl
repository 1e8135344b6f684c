# tgexchange bot, English. Every text the bot sends lives here (and in es/bot.ftl).
# Texts are Telegram HTML: variables arrive already escaped; tags here are <b>, <i>, <code>, <a>.

## Commands (the menu Telegram shows)

cmd-start = Join or switch community
cmd-link = Link your channel (ownership proof)
cmd-submit = Ask for feedback on your own video
cmd-task = Get a task: give feedback, earn credits
cmd-balance = Your credits
cmd-me = Your stats and history
cmd-mysubmissions = Your submissions and their progress
cmd-leaderboard = Top feedback givers
cmd-language = Change language
cmd-help = How it works
cmd-cancel = Cancel what I am waiting for
cmd-dashboard = A login link to the dashboard (admins)

## Buttons

button-join = Join the exchange
button-open-private = Open the bot
button-add-to-group = ➕ Add me to your group
button-link = Link my channel
button-get-task = Get a task
button-ask-feedback = Ask for feedback
button-my-submissions = My submissions
button-me = My stats
button-help = How it works
button-cancel = Cancel
button-open = Open ▶️
button-done = Done ✅
button-skip = Skip
button-withdraw = Withdraw
button-withdraw-yes = Yes, withdraw
button-keep = Keep it
button-confirm = Yes, it's there ✅
button-rate = ⭐ Rate { $giver }'s feedback
button-not-there = I can't find it ❌
button-held-yes = Yes, it's held ✅
button-held-no = Not there ❌
button-dispute = Dispute
button-verify = Verify ✅
button-reject = Reject ❌
button-i-am-admin = I'm the admin
button-close = Close
button-platform = { $platform }
button-feedback-count = { $count } · { $credits } cr
button-open-app = 📊 Open app
# The Mini App's menu button: one label for every chat (the Bot API sets it without a language).
menu-button-app = 📊 App

## Welcome and help

start-welcome-new =
    👋 Welcome to the exchange of <b>{ $community }</b>, { $name }! Here are <b>{ $credits }</b> credits to start.
    First link your own channel, so I can recognise your comments.
start-welcome-back = 👋 Welcome back to <b>{ $community }</b>, { $name }. You have <b>{ $balance }</b> credits.
start-no-community =
    👋 Hi { $name }! I run feedback exchanges for creators in Telegram groups.
    To join one, tap “Join the exchange” in your group, or add me to your own group.
start-choose-community = You are in several communities. Which one do you want to use now?
start-switched = ✅ Now using <b>{ $community }</b>.
start-bad-link = That join link is not valid. Tap “Join the exchange” in your group again.
start-not-in-group = Only members of that group can join its exchange. Join the group first, then open the link again.
start-bot-gone = I am no longer in that group, so its exchange is closed for now.
start-anonymous = You are posting as the group. Write to me in private to use the exchange.

bot-short-description = A fair feedback exchange for creators: give real feedback, earn credits, get feedback on your videos.
bot-description =
    Creators' groups use me to swap real feedback on each other's videos.
    Give feedback on a member's video to earn credits; spend credits to get feedback on yours. I check comments from public data only and never comment, like or follow for you.
    Join from your group's “Join the exchange” button.

help =
    <b>How the exchange works</b>
    Give real feedback on other members' videos to earn credits; spend credits to get feedback on your own.
    I never comment, like or follow for you: you write every comment yourself, from your own account.
    Commands: /link, /task, /submit <i>link</i>, /mysubmissions, /balance, /me, /leaderboard, /language, /cancel.
## Language

language-choose = Choose your language:
language-set = ✅ I will talk to you in English from now on.

## Group

cmd-exchange = Join the exchange, or open its admin menu
button-continue = ▶️ Continue
group-welcome =
    👋 Hi, <b>{ $community }</b>! I run a fair feedback exchange here: members give real feedback on each other's videos and earn credits for it.
    Tap the button to join (it opens a private chat with me).
group-join-prompt = Tap the button to join the exchange of <b>{ $community }</b> in a private chat with me.
group-open-prompt = { $name }, you are in the exchange of <b>{ $community }</b>: it goes on in our private chat.
group-admin-prompt = { $name }, the exchange of <b>{ $community }</b> and its admin menu open in a private chat with me.
group-private-only = { $name }, let's do that in private: tap the button below.
group-answered-here = You wrote { $command } in <b>{ $community }</b>. I answer here, so that the group stays quiet.
group-submission-completed = 🎉 { $owner }'s “{ $title }” got all the feedback it asked for. Thanks to everyone who helped!
group-paused = ⏸ The exchange is paused by an admin. Reason: { $reason }
group-resumed = ▶️ The exchange is running again.

## Channels (ownership proof)

link-choose-platform = Which platform is your channel on?
link-code-youtube =
    Your code: <code>{ $code }</code>
    Post it as a <b>comment on one of your own YouTube videos</b>, from your channel. Then send me that video's link.
    The code expires in one hour.
link-code-caption =
    Your code: <code>{ $code }</code>
    Put it in the <b>caption of one of your own { $platform } posts</b>. Then send me that post's link.
    The code expires in one hour.
link-linked = ✅ Linked: <b>{ $channel }</b> on { $platform }. Now you can give feedback and ask for it.
link-checking = 🔎 Looking for your code…
cancelled = Cancelled. What next?
nothing-to-cancel = Nothing was waiting. What next?

## Submissions

submit-usage = Send me a link to one of your own videos, for example <code>/submit https://youtu.be/…</code>
submit-how = Send me a link to { $forms }. Members will watch it and give you feedback.
submit-checking = 🔎 Checking your link…
submit-choose =
    “<a href="{ $url }">{ $title }</a>”: how many members should give you feedback?
    Each costs <b>{ $price }</b> credits; you have <b>{ $balance }</b>.
submit-choice-expired = That choice has expired. Send me the link again.
submit-done =
    ✅ Submitted “{ $title }”.
    { $wanted ->
        [one] One member will be asked
       *[other] { $wanted } members will be asked
    } for feedback; <b>{ $escrow }</b> credits are held until it is verified.
submissions-none = You have no submissions yet.
submissions-title = <b>Your submissions</b>
submissions-item = { $status } <a href="{ $url }">{ $title }</a> — { $verified }/{ $wanted } feedback
submissions-confirm-withdraw = Withdraw “{ $title }”? Feedback not yet started is called off and its credits come back to you.
submissions-withdrawn =
    { $refund ->
        [0] Withdrawn “{ $title }”.
       *[other] Withdrawn “{ $title }”: <b>{ $refund }</b> credits are back in your balance.
    }
submissions-kept = Kept “{ $title }”.
submission-status-open = 🟢
submission-status-completed = ✅
submission-status-cancelled = ⚪

## Tasks

task-card =
    🎬 <b>{ $title }</b> ({ $platform }) · { $up_to ->
        [yes] up to <b>{ $credits }</b>
       *[no] <b>{ $credits }</b>
    } credits
    Watch it, comment <b>from your own account</b>, then tap Done.
    Due { $deadline }
task-done-auto = 👍 Thanks! I will check the public comments in a few minutes and tell you the outcome.
task-ask-feedback = { $platform } hides comments, so paste here the exact text of your comment on “{ $title }”.
task-feedback-not-yet =
    ✏️ Almost: { $reason }
    Edit it on { $platform }, then paste the new text here. The task stays yours.
task-which-text = Is that the comment you wrote for a task? Tap <b>Done</b> on its card below, then send me the text again.
task-done-owner = 👍 Thanks! The owner will confirm your comment is there; I will tell you the outcome.
task-skipped = Skipped. Want another one?
task-closed = This task is closed.

## Review (platforms without public comments)

review-confirmed = ✅ Confirmed. Thanks!
rating-card =
    ⭐ <b>Rate { $giver }'s feedback</b> on “{ $title }”
    <i>{ $text }</i>
    One tap per line, 1 (not at all) to 5 (very). You can change a mark for 24 h.
rating-specific = 🎯 Specific, about this video: <b>{ $mark ->
        [0] —
       *[other] { $mark }
    }</b>
rating-actionable = 🛠 Actionable, I know what to try: <b>{ $mark ->
        [0] —
       *[other] { $mark }
    }</b>
rating-respectful = 🤝 Respectful: <b>{ $mark ->
        [0] —
       *[other] { $mark }
    }</b>
rating-thanks = ✅ Thanks! Your rating is saved; you can change it until { $until }.
rating-saved = ✅ Saved
review-held-denied = Noted: { $giver }'s comment counts as not found.
review-denied = Noted. { $giver } can dispute it until { $until }; an admin then decides.
review-disputed = Your dispute is with the admins now. I will tell you what they decide.
review-resolved-verified = ✅ Verified. The member gets their credits.
review-resolved-rejected = ❌ Rejected.

## Balance, stats, leaderboard

balance = 💰 You have <b>{ $balance }</b> credits in <b>{ $community }</b>.
me =
    <b>{ $name }</b> in <b>{ $community }</b> · 💰 <b>{ $balance }</b> credits
    ✅ Feedback verified: { $verified } · 📥 received: { $received }
    ❌ Rejected: { $rejected } · ⌛ Expired: { $expired } · ⏭ Skipped: { $skipped }
    📈 Reliability: { $reliability }
reliability-new = { $decided ->
        [0] new
       *[other] new, { $verified }/{ $decided } ✅
    }
reliability-percent = { $percent }%
me-channels = Channels: { $channels }
me-no-channels = No channel linked yet.
me-ratings = ⭐ Ratings of your feedback ({ $count }): 🎯 { $specific } · 🛠 { $actionable } · 🤝 { $respectful }, updated every 5 ratings ({ $to_go } to go)
me-ratings-soon = ⭐ Ratings of your feedback show after every 5 ({ $to_go } to go).
me-history = <b>Recent tasks</b>
me-history-item = { $status } task #{ $task } · { $when }
leaderboard-title = 🏆 <b>Top feedback givers in { $community }</b>
leaderboard-item = { $rank }. { $name } — { $verified } verified · reliability { $reliability }
leaderboard-empty = Nobody has given verified feedback yet. You could be first!

task-status-assigned = 🕓 assigned
task-status-submitted = 📨 done, waiting
task-status-verifying = 🔎 verifying
task-status-verified = ✅ verified
task-status-rejected = ❌ rejected
task-status-expired = ⌛ expired
task-status-skipped = ⏭ skipped
task-status-cancelled = ⚪ cancelled

## Notices (from verification and reviews)

notice-task_verified = ✅ Your feedback on “{ $title }” was verified: <b>+{ $credits }</b> credits.
notice-feedback_received =
    📥 You received { $count ->
        [one] verified feedback
       *[other] { $count } pieces of verified feedback
    } on “{ $title }”.
notice-feedback_not_found_yet = 🔎 I can't see your comment from <b>{ $channel }</b> under “{ $title }” yet. New comments can take a while to show; I'll keep looking until { $until }.
notice-task_rejected = ❌ Your feedback on “{ $title }” was not accepted: { $reason }
notice-task_expired = ⌛ Your task on “{ $title }” expired before you marked it done.
notice-task_cancelled = ⚪ Your task on “{ $title }” was called off: { $reason }
notice-confirm_feedback =
    📝 { $giver } says they commented on your “{ $title }”:
    <blockquote>{ $text }</blockquote>
    Open it: is the comment there? No answer by { $until } counts as yes.
notice-held_comment =
    🔎 { $giver } says they commented on your “{ $title }” from <b>{ $channel }</b>, but I can't see it publicly. YouTube sometimes holds real comments for your review.
    Please check YouTube Studio → Comments → Held for review: is it there? No answer by { $until } counts as no.
notice-feedback_denied = The owner of “{ $title }” says your comment is not there. If it is, tap Dispute by { $until } and an admin will check.
notice-dispute_opened =
    ⚖️ Dispute in <b>{ $community }</b>: { $giver } says they commented on { $owner }'s <a href="{ $url }">{ $title }</a>; the owner says it is not there.
    Their text:
    <blockquote>{ $text }</blockquote>
    Check the post and decide.
notice-submission_completed = 🎉 “{ $title }” got all the feedback you asked for.

## Why feedback was refused (quality rules and verification)

reason-too_short = it is too short. Say what worked and what could be better, in a few sentences.
reason-no_substance = it does not say anything specific about the video.
reason-self_promotion = it promotes a channel or a link. Feedback is about their work, not yours.
reason-spam = it looks like spam.
reason-toxic = it is insulting. Blunt critique is welcome; insults are not.
reason-generic_praise = it is generic praise (“nice video!”). Mention something specific.
reason-near_copy = it is almost the same as feedback you wrote before. Write something new for each video.
reason-off_topic = it is not about this video: it could be about any video, or about another one. Mention what you saw or heard in it.
reason-not_found = I could not find your comment under the video before the deadline.
reason-content_unavailable = the video is no longer publicly available (this does not count against you).
reason-platform_unavailable = the platform could not be read for a week after the deadline, so it could not be checked (this does not count against you).
reason-owner_denied = the owner said it was not there, and it was not settled in your favour.
reason-low_quality = it did not pass the quality rules.
reason-rejected = it was rejected.
cancel-reason-community_paused = an admin paused the exchange.
cancel-reason-submission_cancelled = the owner withdrew the video.
cancel-reason-member_banned = your membership is suspended.
cancel-reason-other = it is no longer needed.

## Admins

cmd-exchange_settings = Exchange settings, in private (admins)
cmd-exchange_pause = Pause the exchange, with a reason (admins)
cmd-exchange_resume = Resume the exchange (admins)
cmd-exchange_warn = Warn someone in the exchange (admins)
cmd-exchange_ban = Suspend someone from the exchange only (admins)
cmd-exchange_unban = Lift a suspension (admins)
cmd-exchange_stats = Exchange statistics, in private (admins)
cmd-exchange_audit = What the admins did, in private (admins)
admin-only = Sorry, only the group's admins can do that.
admin-only-menu = That menu is for the admins of <b>{ $community }</b>.
admin-anonymous = You are posting anonymously as the group. Tap the button so I know which admin you are.
admin-anonymous-expired = That request has expired. Send the command again.
admin-group-only = Use that command in the group (or in private after joining its exchange).
admin-help =
    <b>For admins</b>: /exchange in the group opens your admin menu in private. There, or in the group: /exchange_pause <i>reason</i>, /exchange_resume, /exchange_warn, /exchange_penalize (the ladder's next step), /exchange_ban, /exchange_unban (reply to a message or give @username, then the reason; #12 names task 12 as evidence), /exchange_settings, /exchange_stats, /exchange_audit, /dashboard. In private: /exchange_appeals (appeals waiting), /exchange_rings (groups that mostly serve each other).
button-admin-menu = 🛠 Admin menu
button-settings = ⚙️ Settings
button-stats = 📊 Stats
button-audit = 🧾 Audit
button-dashboard = 📈 Dashboard
button-pause = ⏸ Pause
button-resume = ▶️ Resume
button-back = ⬅ Back
button-close-menu = ✖ Close
button-more = More ▾
button-open-settings = ⚙️ Open settings
button-open-stats = 📊 Open stats
button-open-audit = 🧾 Open the audit
button-open-dashboard = 📈 Open dashboard
button-open-menu = 🛠 Open admin menu
menu =
    🛠 <b>{ $community }</b> · admin menu
    { $paused ->
        [yes] ⏸ Paused: { $reason }
       *[no] ▶️ The exchange is running.
    }
menu-closed = Closed.
menu-pause-how =
    To pause, send me the reason with the command, for example:
    <code>/exchange_pause spam wave, back tonight</code>
    Members see the reason; open tasks are called off.
pointer-menu = { $name }, your admin menu is in our private chat: tap the button.
pointer-settings = { $name }, the settings open in our private chat: tap the button.
pointer-stats = { $name }, the stats open in our private chat: tap the button.
pointer-audit = { $name }, the audit opens in our private chat: tap the button.
dashboard-link =
    📊 <b>Your dashboard</b> ({ $communities ->
        [one] one community
       *[other] { $communities } communities
    })
    <a href="{ $url }">{ $url }</a>
    The link works once, for { $minutes } minutes. Do not forward it: whoever opens it first is logged in as you.
dashboard-not-admin = The dashboard is for the admins of a group that runs an exchange. If you are one, send /exchange in the group first.
dashboard-in-private = { $name }, login links are personal, so I only send them in private: tap the button.
dashboard-anonymous = You are posting anonymously as the group. Send me /dashboard in a private chat to get a login link.
settings-title =
    ⚙️ <b>Settings of { $community }</b>
    Choose a section. Changes apply at once and go in the audit.
settings-section-title = ⚙️ <b>{ $community }</b> · { $section }
settings-section-credits = 💰 Credits
settings-section-tasks = 📝 Tasks
settings-section-submissions = 📥 Submissions
settings-section-platforms = 🎬 Platforms
settings-section-language = 🗣 Group language
settings-section-matching = 🤝 Matching
settings-section-reports = 📊 Daily report
settings-line-credits_per_feedback = Per feedback: <b>{ $value }</b> credits to the giver
settings-line-welcome_credits = Welcome credits: <b>{ $value }</b> for each newcomer
settings-line-credit_by_substance = Credit by substance: <b>{ $on ->
        [yes] on
       *[no] off
    }</b>
    Longer feedback earns up to 2×, late ½; the owner gets the rest back.
settings-line-max_open_tasks_per_member = Open tasks: <b>{ $value }</b> at once per member
settings-line-task_deadline = Deadline: <b>{ $value } h</b> to give the feedback
settings-line-min_words = Minimum words: <b>{ $value }</b> per feedback
settings-line-max_feedback_per_submission = Most feedback: <b>{ $value }</b> per video
settings-line-default_feedback_per_submission = Usual feedback: <b>{ $value }</b> per video, unless the member says
settings-line-match_by_reciprocity = Prefer members who give back: <b>{ $on ->
        [yes] on
       *[no] off
    }</b>
    When on, tasks go first to videos whose owners the model expects to give feedback in return, and a new video's first feedback goes to members who finish their tasks (anyone may take it after { $hours } h).
settings-line-check_relevance = Feedback must be about the video: <b>{ $on ->
        [yes] on
       *[no] off
    }</b>
settings-line-daily_report_hour = Daily report: <b>{ $hour ->
        [off] off
       *[other] { $hour } UTC
    }</b>
    Admins get yesterday's numbers and a chart in private at that hour.
settings-button-credits_per_feedback = Per feedback
settings-button-welcome_credits = Welcome credits
settings-button-credit_by_substance = { $on ->
        [yes] Turn on credit by substance
       *[no] Turn off credit by substance
    }
settings-button-max_open_tasks_per_member = Open tasks
settings-button-task_deadline = Deadline
settings-button-min_words = Minimum words
settings-button-max_feedback_per_submission = Most feedback
settings-button-default_feedback_per_submission = Usual feedback
settings-button-match_by_reciprocity = { $on ->
        [yes] Turn on
       *[no] Turn off
    }
settings-button-check_relevance = { $on ->
        [yes] Check relevance
       *[no] Stop checking relevance
    }
settings-button-report-on = Turn on (09:00 UTC)
settings-button-report-off = Turn off
settings-platforms = Members can submit videos from the platforms marked ✅. Tap one to switch it on or off.
settings-group-language = What I post in the group for everyone (completions, pauses) is in: <b>{ $value }</b>.
settings-group-language-auto = each person's language
settings-group-language-en = English
settings-group-language-es = Español
settings-saved = ✅ Saved
settings-limit = { $direction ->
        [down] That is as low as it goes: { $value }.
       *[up] That is as high as it goes: { $value }.
    }
settings-moved = ⚙️ The settings moved to our private chat: send /exchange_settings in the group to open them.
settings-last-platform = At least one platform must stay on.
pause-usage = Give a reason, for example: <code>/exchange_pause spam wave, back tonight</code>
paused =
    ⏸ Paused: { $reason }
    No new tasks and no verification until an admin resumes it. { $cancelled ->
        [0] No task was open.
        [one] One open task was called off; its slot returns to the submission.
       *[other] { $cancelled } open tasks were called off; their slots return to the submissions.
    }
resumed = ▶️ The exchange is running again.
sanction-usage = Reply to a member's message with <code>/exchange_{ $command } reason</code>, or send <code>/exchange_{ $command } @username reason</code>.
sanction-needs-reason = Add the reason: { $name } is told it in private. For example: <code>/exchange_{ $command } @username copy-paste feedback</code>
sanction-unknown-target = I do not know that person: they have not joined the exchange yet.
warned =
    ⚠️ { $name } got a warning ({ $warnings } so far): { $reason }
    { $name } stays in the group; only the exchange is affected.
banned =
    ⛔ { $name } can no longer take part in the exchange: { $reason }
    Their open tasks were called off. { $name } stays in the group; only the exchange is affected.
unbanned = ✅ { $name } can take part in the exchange again.
notice-penalty = { $action ->
        [warn] ⚠️ An admin of <b>{ $community }</b> gave you a warning in its exchange: { $reason }
            You are still in the group and in the exchange (warnings so far: { $warnings }).
        [ban] ⛔ Your access to the exchange of <b>{ $community }</b> is suspended: { $reason }
            You are still in the group; only the exchange is affected.
        [cooldown] ⏳ An admin of <b>{ $community }</b> paused your requests for feedback until { $until }: { $reason }
            You can still give feedback, which is how your standing recovers.
       *[unban] ✅ Your access to the exchange of <b>{ $community }</b> is back{ $has_reason ->
                [yes] : { $reason }
               *[no] .
            }
    }
stats =
    📊 <b>{ $community }</b>{ $paused ->
        [yes] {" "}(paused)
       *[no] {""}
    }
    Members: { $members }
    Verified feedback: { $verified }
    Tasks in progress: { $open }
audit-title = { $older ->
        [yes] 🧾 <b>{ $community }</b> · earlier admin actions
       *[no] 🧾 <b>{ $community }</b> · recent admin actions
    }
audit-empty = 🧾 <b>{ $community }</b>: no admin actions yet.
audit-ago = { $unit ->
        [now] now
        [min] { $n } min
        [h] { $n } h
       *[d] { $n } d
    }
audit-someone = an admin
audit-pause = { $actor } paused: { $reason }
audit-resume = { $actor } resumed the exchange
audit-warn = { $actor } warned { $target }{ $has_reason ->
        [yes] : { $reason }
       *[no] {""}
    }
audit-ban = { $actor } suspended { $target }{ $has_reason ->
        [yes] : { $reason }
       *[no] {""}
    }
audit-unban = { $actor } let { $target } back in
audit-owner_confirmed = { $actor } confirmed { $target }'s comment held for review
audit-moved = { $actor } moved the group to its new chat
audit-ring_cleared = { $actor } cleared a group flagged as a ring: they may serve each other again
audit-ring_confirmed = { $actor } confirmed a ring: its members stay apart in matching
audit-settings = { $actor } changed the settings
audit-set-credits_per_feedback = { $actor } set { $value ->
        [one] one credit
       *[other] { $value } credits
    } per feedback
audit-set-welcome_credits = { $actor } set { $value ->
        [one] one welcome credit
       *[other] { $value } welcome credits
    }
audit-set-max_open_tasks_per_member = { $actor } allowed { $value ->
        [one] one open task
       *[other] { $value } open tasks
    } each
audit-set-task_deadline_s = { $actor } set a { $value } h deadline
audit-set-min_words = { $actor } set a minimum of { $value ->
        [one] one word
       *[other] { $value } words
    }
audit-set-max_feedback_per_submission = { $actor } capped feedback per video at { $value }
audit-set-default_feedback_per_submission = { $actor } set usual feedback to { $value }
audit-set-group_language = { $actor } set group posts to { $value }
audit-set-match_by_reciprocity = { $actor } turned { $value ->
        [yes] on
       *[no] off
    } matching by who gives back
audit-set-credit_by_substance = { $actor } turned { $value ->
        [yes] on
       *[no] off
    } credit by substance
audit-set-check_relevance = { $actor } turned { $value ->
        [yes] on
       *[no] off
    } the check that feedback is about the video
audit-set-daily_report_hour = { $actor } set the daily report to { $value }:00 UTC
audit-platform-on = { $actor } turned { $platform } on
audit-platform-off = { $actor } turned { $platform } off

## Input safety and errors

too-long = That message is { $length } characters long; I read up to { $maximum }. Please send something shorter.
flood = 🐢 Easy, that's a lot of messages at once. Give me { $seconds } seconds.
unknown-text = Send me a link to your own video to ask for feedback, or get a task to give some.
edited-ignored = I only act on new messages, not on edits. Send it again if you meant it.
join-first = Join a community first: tap “Join the exchange” in your group.
apology = 😔 Sorry, something went wrong on my side. Nothing was lost; please try again in a moment.
expired-button = That button has expired.

## DomainError codes (faces translate by code; params arrive escaped)

error-domain_error = That cannot be done.
error-not_found = I could not find that.
error-community_not_found = I could not find that community.
error-member_not_found = I could not find that member.
error-submission_not_found = I could not find that submission.
error-task_not_found = I could not find that task.
error-ring_not_found = I could not find that flagged group.
error-ring_already_decided = That group was already { $status ->
    [cleared] cleared
   *[other] confirmed
}.
error-member_banned = ⛔ You are banned from this exchange. Ask an admin if you think this is a mistake.
error-login_link_invalid = That login link is invalid, expired or already used. Send /dashboard again.
error-not_your_community = You are not an admin of that community.
error-session_ended = This dashboard session has ended. Send /dashboard for a new login link.
error-not_an_admin = Sorry, only the group's admins can do that.
error-community_paused = ⏸ The exchange is paused right now{ $has_reason ->
        [yes] : { $reason }
       *[no] {""}
    }. Try again when an admin resumes it.
error-community_not_paused = The exchange is not paused.
error-chat_taken = This group's new chat already has a community that members joined; the operator has to merge the two.
error-invalid_settings = That setting is not valid: { $detail }
error-insufficient_credits = You need <b>{ $needed }</b> credits but have <b>{ $available }</b>. Give feedback to earn more.
error-duplicate_posting = Those credits were already moved.
error-invalid_amount = That amount of credits is not valid.
error-self_transfer = Credits cannot move to the same account.
error-platform_not_allowed = This community does not take { $platform } content. Accepted: { $allowed }.
error-no_channel_linked = { $has_platform ->
        [yes] Link your { $platform } channel first.
       *[no] Link your channel first.
    }
error-channel_already_linked = That channel is already linked to another member of this community.
error-not_your_content = That is not from a channel you linked. You can only ask for feedback on your own work.
error-duplicate_submission = That video is already waiting for feedback here.
error-channel_is_not_content = That is a { $platform } channel page. To ask for feedback, send a link to one of your videos.
error-invalid_feedback_count = Ask for between 1 and { $maximum } pieces of feedback, not { $wanted }.
error-proof_not_started = Link your channel first: I will give you a code to post.
error-proof_expired = That code has expired. Get a new one:
error-proof_not_found = I did not find the code <code>{ $proof_code }</code> there yet. It must be posted from the video's own channel (or in your post's caption). Check, then send the link again.
error-not_your_task = That task is not yours.
error-not_the_recipient = Only the person who received this feedback can rate it. Thanks for caring, though!
error-rating_locked = This rating is fixed now: marks can be changed for 24 hours after the first one.
error-invalid_mark = A mark is a number from 1 to 5.
error-illegal_transition = That cannot be done any more: it has already moved on.
error-task_deadline_passed = ⌛ This task's deadline has passed.
error-too_many_open_tasks = You already have { $open_tasks } open tasks (the limit is { $maximum }). Finish or skip one first.
error-no_task_available = { $opens_within_h ->
        [0] Nothing is waiting for feedback right now. Try again later!
       *[other] Nothing is open to you right now: a new video goes first to members whose tasks end verified, and opens to everyone within { $opens_within_h } h. Finishing the tasks you take brings new videos to you sooner.
    }
error-submission_closed = That submission is already { $status }.
error-not_your_submission = That submission is not yours.
error-text_too_long = That text is { $length } characters long; the limit is { $maximum }.
error-content_unavailable = That video is not publicly available (deleted, private or region-locked).
error-platform_unavailable = { $platform } is not answering right now. Please try again in a few minutes.
error-unsupported_link = { $why } { $accepted }
error-short_link_needs_lookup = That is a TikTok short link, and I could not look it up just now. Open it, then copy and send me the full address from the browser, or send the short link again in a few minutes.

## Why a link was refused (UnsupportedLink reasons), and what is accepted instead

link-accepted = Send a link to one YouTube video, Short or channel, one TikTok video, photo post or profile, or one Instagram post, reel or profile.

link-send-content = Send me a link to { $forms }.
link-form-youtube = one YouTube video or Short
link-form-tiktok = one TikTok video or photo post
link-form-instagram = one Instagram post or reel
link-forms-or = { $first } or { $last }
link-why-empty = There is no link there.
link-why-too_long = That is too long to be a link (more than { $maximum } characters).
link-why-not_a_link = That does not look like a web link.
link-why-scheme = Only web links (http or https) are accepted.
link-why-credentials = Links with a user name or password in them are never accepted.
link-why-port = Links with a port number are not accepted.
link-why-non_ascii_host = The site name in that link uses non-Latin or encoded letters, as look-alike links do.
link-why-lookalike_host = That site only looks like YouTube, TikTok or Instagram.
link-why-unknown_site = That site is not supported.
link-why-unsupported_page = That page is not a single video, post or profile.
link-why-invalid_id = The video or post id in that link is missing or malformed.
link-why-playlist = That is a playlist, not one video.
link-why-search = That is a search page, not one video or post.
link-why-hashtag = That is a hashtag page, not one video or post.
link-why-feed = That is a feed, not one video or post.
link-why-explore = That is an explore page, not one video or post.
link-why-sound = That is a sound page, not one video or post.
link-why-story = Stories disappear after a day, so they cannot get feedback here.
link-why-live = That is a live page, not a saved video.
link-why-share_link = That is a share link that hides the post; open it and copy the post's own address.
link-why-clip = That is a clip of part of a video; send the link of the video itself.

## Operations

error-exchange_paused = ⏸ The whole exchange is paused by its operator for now. Nothing is lost: feedback waiting for verification keeps its time. Try again later.
error-exchange_not_paused = The exchange as a whole is not paused.
cancel-reason-exchange_paused = the exchange was paused for everyone.
anomaly-kind-verification_errors = Verification keeps failing
anomaly-kind-platform_outage = A platform does not answer
anomaly-kind-spam_wave = A wave of spam
anomaly-kind-queue_backlog = Jobs are piling up
anomaly-kind-stuck_tasks = Tasks are stuck
anomaly-kind-job_failures = A job keeps failing
anomaly-detail-verification_errors = { $errors } of { $passes } verification passes failed in { $minutes } min.
anomaly-detail-platform_outage = { $platform }: { $failures } failed reads in a row; reads are on hold ({ $breaker }).
anomaly-detail-spam_wave = { $last_hour } pieces of feedback refused by the quality gate in the last hour (normally { $normal_per_hour } an hour).
anomaly-detail-queue_backlog = Jobs wait { $age_s } s before a worker takes them.
anomaly-detail-stuck_tasks = { $count } tasks are over { $minutes } min late for their next check.
anomaly-detail-job_failures = The { $job } job failed { $errors } times in { $minutes } min.
anomaly-where-everything = the whole exchange
anomaly-where-community = community “{ $community }”
anomaly-where-job = the job workers
notice-anomaly_opened = ⚠️ <b>{ $what }</b> ({ $where })
    { $detail }
    Severity: { $severity } of 1.{ $paused ->
        [yes] {" "}⏸ Paused automatically until someone resumes it.
       *[no] {""}
    }
notice-anomaly_cleared = ✅ Over: <b>{ $what }</b> ({ $where }), after { $lasted }.{ $paused ->
        [yes] {" "}It stays paused until someone resumes it.
       *[no] {""}
    }
ops-duration-hours = { $hours } h { $minutes } min
ops-duration-minutes = { $minutes } min
report-chart-title = { $community }: tasks and verified feedback, { $first }–{ $last } (UTC)
report-chart-tasks = tasks
report-chart-verified = verified
report-caption = 📊 <b>Daily report, { $day }</b>
    { $chart }
    Tasks: { $assigned } · verified: { $verified } · rejected: { $rejected } · expired: { $expired }
    Success rate: { $rate }
    Top givers: { $givers }
    Found no task to give feedback on: { $asked_in_vain ->
        [0] nobody
        [one] one member (more submissions would keep them giving)
       *[other] { $asked_in_vain } members (more submissions would keep them giving)
    }
    Open problems: { $problems }
report-no-givers = nobody yet
report-no-problems = none
operator-only = This command is for the exchange's operators.
operator-status = { $paused ->
        [yes] ⏸ <b>The whole exchange is paused</b> since { $since } by { $by }: { $reason }
       *[no] ▶️ <b>The exchange is running.</b>
    }
    Communities: { $communities } ({ $communities_paused } paused)
    Open problems: { $anomalies }
    Workers: { $workers }
operator-status-anomaly = • { $what } ({ $where }), severity { $severity }
operator-paused-all = ⏸ The whole exchange is paused: { $reason }
    { $cancelled } tasks not yet done were called off without blame. /operator_resume_all to resume.
operator-resumed-all = ▶️ The exchange runs again (it was paused for { $lasted }).
operator-paused-one = ⏸ Community { $community } is paused: { $reason }
operator-resumed-one = ▶️ Community { $community } runs again.
operator-usage-pause-all = Say why: /operator_pause_all &lt;reason&gt;
operator-usage-community = Name the community by its number: /operator_pause &lt;id&gt; &lt;reason&gt; or /operator_resume &lt;id&gt;

## Fair play (issue 19 §3-4): penalties with reasons, appeals, health, cooldowns, admission
penalty-appeal-hint = If you think this is a mistake, you may appeal once: <code>/exchange_appeal { $penalty } your reasons</code>
penalty-kind = { $kind ->
        [warn] warning
        [cooldown] cooldown
       *[ban] suspension
    }
me-health = Health: <b>{ $percent }%</b>{ $low ->
        [yes] {" "}(low: requests for feedback wait a while; verified feedback raises it)
       *[no] {""}
    }
me-health-new = Health: <b>new</b> (verified feedback raises it)
me-penalties = <b>Penalties in force</b>
me-penalty-item = • #{ $id } { $kind }: { $reason }{ $has_until ->
        [yes] {" "}· until { $until }
       *[no] {""}
    } · { $rule ->
        [admin] given by an admin
       *[other] rule { $rule }
    }{ $has_tasks ->
        [yes] , tasks { $tasks }
       *[no] {""}
    }{ $appealed ->
        [yes] {" "}· appealed
       *[no] {""}
    }
me-penalties-appeal = To appeal one, once: <code>/exchange_appeal number your reasons</code>
appeal-usage = Tell the admins why the penalty should be lifted, in one message: <code>/exchange_appeal your reasons</code> (or <code>/exchange_appeal number your reasons</code> for one penalty of /me).
appeal-filed = 📨 Your appeal about the { $kind } (#{ $penalty }) went to the admins of <b>{ $community }</b>. You will hear their decision here.
notice-appeal_opened =
    📨 Appeal in <b>{ $community }</b> from { $name } about their { $kind } (#{ $penalty }: { $reason }):
    <blockquote>{ $text }</blockquote>
notice-appeal_decided = { $upheld ->
        [yes] ✅ The admins of <b>{ $community }</b> accepted your appeal: your { $kind } is lifted.
       *[no] ❌ The admins of <b>{ $community }</b> declined your appeal: your { $kind } stands.
    }
appeals-title = 📨 <b>{ $community }</b> · appeals waiting: { $count }
appeals-empty = 📨 <b>{ $community }</b>: no appeals waiting.
appeals-item = #{ $appeal } · { $name } · { $kind } ({ $reason }): “{ $text }”
appeal-decided-admin = { $upheld ->
        [yes] ✅ Appeal #{ $appeal } of { $name } accepted: the { $kind } is lifted and { $name } is told.
       *[no] ❌ Appeal #{ $appeal } of { $name } declined: the { $kind } stands and { $name } is told.
    }
button-appeal-uphold = ✅ Lift #{ $appeal }
button-appeal-reject = ❌ Keep #{ $appeal }
button-appeals = 📨 Appeals
cooldown-refused = { $cause ->
        [penalty] ⏳ An admin paused your requests for feedback: you can ask again { $until }.
       *[health] ⏳ Your health in this exchange is low ({ $percent }%), so requests for feedback wait: you can ask again { $until }.
    } Meanwhile, giving feedback raises your standing.
admission-closed = 🚧 <b>{ $community }</b> has taken in as many newcomers as it does in a day. Come back { $when }.
penalized = { $kind ->
        [warn] ⚠️ { $name } got a warning (the ladder's next step): { $reason }
        [cooldown] ⏳ { $name } may not request feedback for { $hours } h (the ladder's next step): { $reason }
       *[ban] ⛔ { $name } can no longer take part in the exchange (the ladder's last step): { $reason }
    }
cmd-exchange_penalize = Next penalty of the ladder, with a reason (admins)
cmd-exchange_appeals = Appeals waiting for a decision, in private (admins)
error-cooldown_active = ⏳ You cannot request feedback just yet. Giving feedback meanwhile raises your standing.
error-admission_closed = 🚧 This community has taken in as many newcomers as it does in a day. Come back tomorrow.
error-penalty_not_found = There is no penalty with that number in force for you. See /me.
error-nothing_to_appeal = You have no penalty in force to appeal.
error-appeal_already_filed = You already appealed that penalty: each penalty may be appealed once.
error-appeal_not_found = That appeal does not exist (or is not your community's).
error-appeal_already_decided = That appeal was already decided.
error-appeal_text_missing = Say in a few words why the penalty should be lifted: <code>/exchange_appeal your reasons</code>
audit-cooldown = { $actor } paused { $target }'s requests{ $has_reason ->
        [yes] : { $reason }
       *[no] {""}
    }
audit-appeal = { $actor } appealed a penalty{ $has_reason ->
        [yes] : { $reason }
       *[no] {""}
    }
audit-appeal_upheld = { $actor } accepted { $target }'s appeal
audit-appeal_rejected = { $actor } declined { $target }'s appeal
audit-set-penalty_cooldown_hours = { $actor } set cooldown penalties to { $value } h
audit-set-warning_expiry_days = { $actor } set warnings to expire after { $value } days
audit-set-health_threshold_pct = { $actor } set the health threshold to { $value }%
audit-set-admission_cap_per_day = { $actor } set the newcomers cap to { $value } a day (0: none)
audit-set-penalty_ladder = { $actor } set the penalty ladder to { $value }
settings-section-fairplay = ⚖️ Fair play
settings-line-penalty_ladder = Ladder: <b>{ $value }</b> (each penalty in force moves one step up)
settings-button-penalty_ladder = 🔁 Next ladder
settings-line-penalty_cooldown_hours = Cooldown penalty: <b>{ $value }</b> h without requesting feedback
settings-line-warning_expiry_days = Warnings expire after <b>{ $value }</b> days
settings-line-health_threshold_pct = Health threshold: <b>{ $value }%</b> (below it, requests wait up to 24 h; 0: off)
settings-line-admission_cap_per_day = Newcomers: at most <b>{ $value }</b> a day (0: no cap)
settings-button-penalty_cooldown_hours = Cooldown
settings-button-warning_expiry_days = Expiry
settings-button-health_threshold_pct = Health
settings-button-admission_cap_per_day = Newcomers

## Rings (issue 19 §5): groups that mostly serve each other, for admins in private
rings-title = 🕸 <b>{ $community }</b> · groups that mostly serve each other: { $flagged } flagged, { $confirmed } confirmed
rings-explain = While a group is flagged, matching does not give its members each other's content. Clear it if they are honest; confirm it if they are a ring (they stay apart).
rings-empty = 🕸 <b>{ $community }</b>: no group waits for a decision (confirmed rings: { $confirmed }).
rings-item = <b>#{ $ring }</b> · { $names } · flagged { $when }
rings-share = • <b>{ $share }%</b> of their exchanges were with each other ({ $inside ->
        [one] { $inside } exchange
       *[other] { $inside } exchanges
    } inside the group); matching alone would give about { $expected }%
rings-timing = • they took each other's content after { $inside } (usual in the community: { $usual })
rings-texts = • their feedback to each other shares { $across }% of its word pairs{ $has_outsiders ->
        [yes] {" "}(with others' feedback: { $outsiders }%)
       *[no] {""}
    }
rings-more = …and { $count } more: see them all on the dashboard.
ring-decided-admin = { $status ->
        [cleared] ✅ Group #{ $ring } ({ $names }) cleared: matching may give them each other's content again.
       *[other] ⛔ Group #{ $ring } ({ $names }) confirmed as a ring: they stay apart in matching. Penalties are still your call (/exchange_warn, /exchange_ban).
    }
notice-rings_flagged = 🕸 <b>{ $community }</b>: { $count ->
        [one] a group of members was
       *[other] { $count } groups of members were
    } flagged as mostly serving each other. Matching keeps them apart until an admin clears or confirms.
button-ring-clear = ✅ Clear #{ $ring }
button-ring-confirm = ⛔ Confirm #{ $ring }
button-rings = 🕸 Rings
cmd-exchange_rings = Groups that mostly serve each other, in private (admins)
