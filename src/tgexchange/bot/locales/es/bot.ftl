# Bot de tgexchange, español. Los mismos identificadores que en/bot.ftl.
# Los textos son HTML de Telegram: las variables llegan ya escapadas.

## Comandos

cmd-start = Unirte o cambiar de comunidad
cmd-link = Vincular tu canal (prueba de propiedad)
cmd-submit = Pedir opiniones sobre tu propio video
cmd-task = Recibir una tarea: opina y gana créditos
cmd-balance = Tus créditos
cmd-me = Tus estadísticas e historial
cmd-mysubmissions = Tus envíos y su progreso
cmd-leaderboard = Quién más opina
cmd-language = Cambiar idioma
cmd-help = Cómo funciona
cmd-cancel = Cancelar lo que tengo pendiente
cmd-dashboard = Un enlace de acceso al panel (admins)
## Botones

button-join = Unirme al intercambio
button-open-private = Abrir el bot
button-add-to-group = ➕ Añadirme a tu grupo
button-link = Vincular mi canal
button-get-task = Recibir una tarea
button-ask-feedback = Pedir opiniones
button-my-submissions = Mis envíos
button-me = Mis datos
button-help = Cómo funciona
button-cancel = Cancelar
button-open = Abrir ▶️
button-done = Hecho ✅
button-skip = Omitir
button-withdraw = Retirar
button-withdraw-yes = Sí, retirar
button-keep = Mantener
button-confirm = Sí, está ✅
button-rate = ⭐ Calificar la opinión de { $giver }
button-not-there = No lo encuentro ❌
button-held-yes = Sí, está retenido ✅
button-held-no = No está ❌
button-dispute = Reclamar
button-verify = Verificar ✅
button-reject = Rechazar ❌
button-i-am-admin = Soy admin
button-close = Cerrar
button-platform = { $platform }
button-feedback-count = { $count } · { $credits } cr
button-open-app = 📊 Abrir la app
# The Mini App's menu button: one label for every chat (the Bot API sets it without a language).
menu-button-app = 📊 App

## Bienvenida y ayuda

start-welcome-new =
    👋 Te damos la bienvenida al intercambio de <b>{ $community }</b>, { $name }. Aquí tienes <b>{ $credits }</b> créditos para empezar.
    Primero vincula tu propio canal, para que reconozca tus comentarios.
start-welcome-back = 👋 Hola de nuevo en <b>{ $community }</b>, { $name }. Tienes <b>{ $balance }</b> créditos.
start-no-community =
    👋 ¡Hola, { $name }! Organizo intercambios de opiniones entre creadores en grupos de Telegram.
    Para unirte a uno, pulsa «Unirme al intercambio» en tu grupo, o añádeme a tu propio grupo.
start-choose-community = Estás en varias comunidades. ¿Cuál quieres usar ahora?
start-switched = ✅ Ahora usas <b>{ $community }</b>.
start-bad-link = Ese enlace para unirse no es válido. Vuelve a pulsar «Unirme al intercambio» en tu grupo.
start-not-in-group = Solo quienes están en ese grupo pueden unirse a su intercambio. Únete primero al grupo y vuelve a abrir el enlace.
start-bot-gone = Ya no estoy en ese grupo, así que su intercambio está cerrado por ahora.
start-anonymous = Estás escribiendo como el grupo. Escríbeme en privado para usar el intercambio.

bot-short-description = Intercambio justo de opiniones entre creadores: opina de verdad, gana créditos y recibe opiniones sobre tus videos.
bot-description =
    Los grupos de creadores me usan para intercambiar opiniones reales sobre sus videos.
    Opina sobre el video de otra persona para ganar créditos; gástalos para recibir opiniones sobre los tuyos. Compruebo los comentarios solo con datos públicos y nunca comento, doy «me gusta» ni sigo a nadie por ti.
    Únete desde el botón «Unirme al intercambio» de tu grupo.

help =
    <b>Cómo funciona el intercambio</b>
    Das opiniones reales sobre los videos de otras personas y ganas créditos; con los créditos pides opiniones sobre los tuyos.
    Nunca comento, doy «me gusta» ni sigo a nadie por ti: cada comentario lo escribes tú, desde tu propia cuenta.
    Comandos: /link, /task, /submit <i>enlace</i>, /mysubmissions, /balance, /me, /leaderboard, /language, /cancel.
## Idioma

language-choose = Elige tu idioma:
language-set = ✅ A partir de ahora te hablaré en español.

## Grupo

cmd-exchange = Unirte al intercambio o abrir su menú de admin
button-continue = ▶️ Continuar
group-welcome =
    👋 ¡Hola, <b>{ $community }</b>! Aquí organizo un intercambio justo de opiniones: cada quien opina de verdad sobre los videos de los demás y gana créditos por ello.
    Pulsa el botón para unirte (abre un chat privado conmigo).
group-join-prompt = Pulsa el botón para unirte al intercambio de <b>{ $community }</b> en un chat privado conmigo.
group-open-prompt = { $name }, ya estás en el intercambio de <b>{ $community }</b>: seguimos en nuestro chat privado.
group-admin-prompt = { $name }, el intercambio de <b>{ $community }</b> y su menú de admin se abren en un chat privado conmigo.
group-private-only = { $name }, mejor en privado: pulsa el botón de abajo.
group-answered-here = Escribiste { $command } en <b>{ $community }</b>. Te respondo aquí para que el grupo siga tranquilo.
group-submission-completed = 🎉 «{ $title }» de { $owner } recibió todas las opiniones que pidió. ¡Gracias a quienes ayudaron!
group-paused = ⏸ El intercambio está en pausa por decisión de admins. Motivo: { $reason }
group-resumed = ▶️ El intercambio vuelve a funcionar.

## Canales (prueba de propiedad)

link-choose-platform = ¿En qué plataforma está tu canal?
link-code-youtube =
    Tu código: <code>{ $code }</code>
    Publícalo como <b>comentario en uno de tus propios videos de YouTube</b>, desde tu canal. Después envíame el enlace de ese video.
    El código caduca en una hora.
link-code-caption =
    Tu código: <code>{ $code }</code>
    Ponlo en el <b>texto de una de tus propias publicaciones de { $platform }</b>. Después envíame el enlace de esa publicación.
    El código caduca en una hora.
link-linked = ✅ Canal vinculado: <b>{ $channel }</b> en { $platform }. Ya puedes dar opiniones y pedirlas.
link-checking = 🔎 Buscando tu código…
cancelled = Cancelado. ¿Qué hacemos ahora?
nothing-to-cancel = No había nada pendiente. ¿Qué hacemos ahora?

## Envíos

submit-usage = Envíame el enlace de uno de tus propios videos, por ejemplo <code>/submit https://youtu.be/…</code>
submit-how = Envíame el enlace de { $forms }. Otras personas lo verán y te darán su opinión.
submit-checking = 🔎 Comprobando tu enlace…
submit-choose =
    «<a href="{ $url }">{ $title }</a>»: ¿cuántas personas quieres que te den su opinión?
    Cada opinión cuesta <b>{ $price }</b> créditos; tienes <b>{ $balance }</b>.
submit-choice-expired = Esa elección ya no sirve. Vuelve a enviarme el enlace.
submit-done =
    ✅ Enviado: «{ $title }».
    { $wanted ->
        [one] Se pedirá su opinión a una persona
       *[other] Se pedirá su opinión a { $wanted } personas
    }; se reservan <b>{ $escrow }</b> créditos hasta que se verifique.
submissions-none = Aún no tienes envíos.
submissions-title = <b>Tus envíos</b>
submissions-item = { $status } <a href="{ $url }">{ $title }</a> — { $verified }/{ $wanted } opiniones
submissions-confirm-withdraw = ¿Retirar «{ $title }»? Las opiniones aún no empezadas se cancelan y sus créditos vuelven a ti.
submissions-withdrawn =
    { $refund ->
        [0] Retiraste «{ $title }».
       *[other] Retiraste «{ $title }»: <b>{ $refund }</b> créditos volvieron a tu saldo.
    }
submissions-kept = Sigue en pie: «{ $title }».
submission-status-open = 🟢
submission-status-completed = ✅
submission-status-cancelled = ⚪

## Tareas

task-card =
    🎬 <b>{ $title }</b> ({ $platform }) · { $up_to ->
        [yes] hasta <b>{ $credits }</b>
       *[no] <b>{ $credits }</b>
    } créditos
    Míralo, comenta <b>desde tu propia cuenta</b> y pulsa Hecho.
    Plazo: { $deadline }
task-done-auto = 👍 ¡Gracias! Revisaré los comentarios públicos en unos minutos y te diré el resultado.
task-ask-feedback = { $platform } oculta los comentarios; pega aquí el texto exacto de tu comentario en «{ $title }».
task-feedback-not-yet =
    ✏️ Casi: { $reason }
    Edítalo en { $platform } y pega aquí el texto nuevo. La tarea sigue siendo tuya.
task-which-text = ¿Es el comentario que escribiste para una tarea? Pulsa <b>Hecho</b> en su tarjeta de abajo y vuelve a enviarme el texto.
task-done-owner = 👍 ¡Gracias! Quien publicó el video confirmará que tu comentario está ahí; te diré el resultado.
task-skipped = Tarea omitida. ¿Quieres otra?
task-closed = Esta tarea está cerrada.

## Revisión (plataformas sin comentarios públicos)

review-confirmed = ✅ Confirmado. ¡Gracias!
rating-card =
    ⭐ <b>Califica la opinión de { $giver }</b> sobre “{ $title }”
    <i>{ $text }</i>
    Un toque por línea, de 1 (nada) a 5 (mucho). Puedes cambiar una marca durante 24 h.
rating-specific = 🎯 Concreta, sobre este video: <b>{ $mark ->
        [0] —
       *[other] { $mark }
    }</b>
rating-actionable = 🛠 Útil, sé qué probar: <b>{ $mark ->
        [0] —
       *[other] { $mark }
    }</b>
rating-respectful = 🤝 Respetuosa: <b>{ $mark ->
        [0] —
       *[other] { $mark }
    }</b>
rating-thanks = ✅ ¡Gracias! Tu calificación quedó guardada; puedes cambiarla hasta { $until }.
rating-saved = ✅ Guardado
review-held-denied = Anotado: el comentario de { $giver } cuenta como no encontrado.
review-denied = Anotado. { $giver } puede reclamar hasta { $until }; entonces decide un admin.
review-disputed = Tu reclamación está ahora en manos de los admins. Te diré lo que decidan.
review-resolved-verified = ✅ Verificado. La persona recibe sus créditos.
review-resolved-rejected = ❌ Rechazado.

## Saldo, estadísticas, clasificación

balance = 💰 Tienes <b>{ $balance }</b> créditos en <b>{ $community }</b>.
me =
    <b>{ $name }</b> en <b>{ $community }</b> · 💰 <b>{ $balance }</b> créditos
    ✅ Opiniones verificadas: { $verified } · 📥 recibidas: { $received }
    ❌ Rechazadas: { $rejected } · ⌛ Caducadas: { $expired } · ⏭ Omitidas: { $skipped }
    📈 Fiabilidad: { $reliability }
reliability-new = { $decided ->
        [0] sin historial aún
       *[other] con poco historial, { $verified }/{ $decided } ✅
    }
reliability-percent = { $percent } %
me-channels = Canales: { $channels }
me-no-channels = Aún no vinculaste ningún canal.
me-ratings = ⭐ Calificaciones de tus opiniones ({ $count }): 🎯 { $specific } · 🛠 { $actionable } · 🤝 { $respectful }, se actualizan cada 5 (faltan { $to_go })
me-ratings-soon = ⭐ Las calificaciones de tus opiniones se muestran cada 5 (faltan { $to_go }).
me-history = <b>Tareas recientes</b>
me-history-item = { $status } tarea n.º { $task } · { $when }
leaderboard-title = 🏆 <b>Quién más opina en { $community }</b>
leaderboard-item = { $rank }. { $name } — { $verified } verificadas · fiabilidad { $reliability }
leaderboard-empty = Todavía nadie dio una opinión verificada. ¡Puedes abrir la lista!

task-status-assigned = 🕓 asignada
task-status-submitted = 📨 hecha, en espera
task-status-verifying = 🔎 verificando
task-status-verified = ✅ verificada
task-status-rejected = ❌ rechazada
task-status-expired = ⌛ caducada
task-status-skipped = ⏭ omitida
task-status-cancelled = ⚪ cancelada

## Avisos (de la verificación y las revisiones)

notice-task_verified = ✅ Tu opinión sobre «{ $title }» está verificada: <b>+{ $credits }</b> créditos.
notice-feedback_received =
    📥 Recibiste { $count ->
        [one] una opinión verificada
       *[other] { $count } opiniones verificadas
    } sobre «{ $title }».
notice-feedback_not_found_yet = 🔎 Todavía no veo tu comentario desde <b>{ $channel }</b> en «{ $title }». Los comentarios nuevos tardan a veces en aparecer; seguiré buscando hasta { $until }.
notice-task_rejected = ❌ Tu opinión sobre «{ $title }» no fue aceptada: { $reason }
notice-task_expired = ⌛ Tu tarea sobre «{ $title }» caducó antes de que la marcaras como hecha.
notice-task_cancelled = ⚪ Tu tarea sobre «{ $title }» se canceló: { $reason }
notice-confirm_feedback =
    📝 { $giver } dice que comentó en tu «{ $title }»:
    <blockquote>{ $text }</blockquote>
    Ábrelo: ¿ves el comentario publicado? Si no respondes antes de { $until }, cuenta como un sí.
notice-held_comment =
    🔎 { $giver } dice que comentó en tu «{ $title }» desde <b>{ $channel }</b>, pero no lo veo publicado. A veces YouTube retiene comentarios reales para que los revises.
    Mira en YouTube Studio → Comentarios → Retenidos para revisión: ¿está ahí? Si no respondes antes de { $until }, cuenta como un no.
notice-feedback_denied = Quien publicó «{ $title }» dice que no encuentra tu comentario. Si lo publicaste, pulsa Reclamar antes de { $until } y un admin lo comprobará.
notice-dispute_opened =
    ⚖️ Reclamación en <b>{ $community }</b>: { $giver } dice que comentó en <a href="{ $url }">{ $title }</a> de { $owner }; quien lo publicó dice que no está.
    Su texto:
    <blockquote>{ $text }</blockquote>
    Revisa la publicación y decide.
notice-submission_completed = 🎉 «{ $title }» recibió todas las opiniones que pediste.

## Por qué se rechazó una opinión

reason-too_short = es demasiado corto. Di qué funcionó y qué podría mejorar, en unas cuantas frases.
reason-no_substance = no dice nada concreto sobre el video.
reason-self_promotion = promociona un canal o un enlace. La opinión trata de su trabajo, no del tuyo.
reason-spam = parece spam.
reason-toxic = es insultante. La crítica directa es bienvenida; los insultos no.
reason-generic_praise = es un elogio genérico («¡buen video!»). Menciona algo concreto.
reason-near_copy = es casi igual a una opinión que ya escribiste. Escribe algo nuevo para cada video.
reason-off_topic = no trata de este video: serviría para cualquier video, o habla de otro. Menciona algo que viste o escuchaste en él.
reason-not_found = no encontré tu comentario en el video antes del plazo.
reason-content_unavailable = el video ya no está disponible públicamente (no cuenta en tu contra).
reason-platform_unavailable = la plataforma no se pudo leer durante una semana después del plazo, así que no se pudo comprobar (no cuenta en tu contra).
reason-owner_denied = quien lo publicó dijo que no estaba y no se resolvió a tu favor.
reason-low_quality = no superó las reglas de calidad.
reason-rejected = fue rechazado.
cancel-reason-community_paused = un admin pausó el intercambio.
cancel-reason-submission_cancelled = quien lo publicó retiró el video.
cancel-reason-member_banned = tu acceso está suspendido.
cancel-reason-other = ya no hace falta.

## Admins

cmd-exchange_settings = Ajustes del intercambio, en privado (admins)
cmd-exchange_pause = Pausar el intercambio, con un motivo (admins)
cmd-exchange_resume = Reanudar el intercambio (admins)
cmd-exchange_warn = Advertir a alguien en el intercambio (admins)
cmd-exchange_ban = Suspender a alguien solo del intercambio (admins)
cmd-exchange_unban = Levantar una suspensión (admins)
cmd-exchange_stats = Estadísticas del intercambio, en privado (admins)
cmd-exchange_audit = Qué hicieron los admins, en privado (admins)
admin-only = Lo siento, solo quienes administran el grupo pueden hacer eso.
admin-only-menu = Ese menú es solo para quienes administran <b>{ $community }</b>.
admin-anonymous = Estás escribiendo de forma anónima como el grupo. Pulsa el botón para que sepa qué admin eres.
admin-anonymous-expired = Esa petición ha caducado. Vuelve a enviar el comando.
admin-group-only = Usa ese comando en el grupo (o en privado, después de unirte a su intercambio).
admin-help =
    <b>Para admins</b>: /exchange en el grupo abre tu menú de admin en privado. Allí, o en el grupo: /exchange_pause <i>motivo</i>, /exchange_resume, /exchange_warn, /exchange_penalize (el siguiente paso de la escala), /exchange_ban, /exchange_unban (responde a un mensaje o indica @usuario, y luego el motivo; #12 cita la tarea 12 como prueba), /exchange_settings, /exchange_stats, /exchange_audit, /dashboard. En privado: /exchange_appeals (apelaciones pendientes), /exchange_rings (grupos que se dan opiniones sobre todo entre sí).
button-admin-menu = 🛠 Menú de admin
button-settings = ⚙️ Ajustes
button-stats = 📊 Estadísticas
button-audit = 🧾 Registro
button-dashboard = 📈 Panel
button-pause = ⏸ Pausar
button-resume = ▶️ Reanudar
button-back = ⬅ Volver
button-close-menu = ✖ Cerrar
button-more = Más ▾
button-open-settings = ⚙️ Abrir ajustes
button-open-stats = 📊 Abrir estadísticas
button-open-audit = 🧾 Abrir el registro
button-open-dashboard = 📈 Abrir el panel
button-open-menu = 🛠 Abrir menú de admin
menu =
    🛠 <b>{ $community }</b> · menú de admin
    { $paused ->
        [yes] ⏸ En pausa: { $reason }
       *[no] ▶️ El intercambio está en marcha.
    }
menu-closed = Cerrado.
menu-pause-how =
    Para pausar, envíame el motivo con el comando, por ejemplo:
    <code>/exchange_pause ola de spam, volvemos esta noche</code>
    Todo el grupo ve el motivo; las tareas abiertas se cancelan.
pointer-menu = { $name }, tu menú de admin está en nuestro chat privado: pulsa el botón.
pointer-settings = { $name }, los ajustes se abren en nuestro chat privado: pulsa el botón.
pointer-stats = { $name }, las estadísticas se abren en nuestro chat privado: pulsa el botón.
pointer-audit = { $name }, el registro se abre en nuestro chat privado: pulsa el botón.
dashboard-link =
    📊 <b>Tu panel</b> ({ $communities ->
        [one] una comunidad
       *[other] { $communities } comunidades
    })
    <a href="{ $url }">{ $url }</a>
    El enlace funciona una sola vez, durante { $minutes } minutos. No lo reenvíes: quien lo abra primero entra como tú.
dashboard-not-admin = El panel es para quienes administran un grupo con intercambio. Si es tu caso, envía primero /exchange en el grupo.
dashboard-in-private = { $name }, los enlaces de acceso son personales, así que solo los envío en privado: pulsa el botón.
dashboard-anonymous = Estás escribiendo de forma anónima como el grupo. Envíame /dashboard en un chat privado para recibir un enlace de acceso.
settings-title =
    ⚙️ <b>Ajustes de { $community }</b>
    Elige una sección. Los cambios se aplican al momento y quedan en el registro.
settings-section-title = ⚙️ <b>{ $community }</b> · { $section }
settings-section-credits = 💰 Créditos
settings-section-tasks = 📝 Tareas
settings-section-submissions = 📥 Envíos
settings-section-platforms = 🎬 Plataformas
settings-section-language = 🗣 Idioma del grupo
settings-section-matching = 🤝 Emparejamiento
settings-section-reports = 📊 Informe diario
settings-line-credits_per_feedback = Por opinión: <b>{ $value }</b> créditos para quien opina
settings-line-welcome_credits = Bienvenida: <b>{ $value }</b> créditos por persona nueva
settings-line-credit_by_substance = Créditos según la sustancia: <b>{ $on ->
        [yes] sí
       *[no] no
    }</b>
    Más extensa gana hasta 2×, tardía ½; el resto vuelve a quien pidió.
settings-line-max_open_tasks_per_member = Tareas abiertas: <b>{ $value }</b> a la vez por persona
settings-line-task_deadline = Plazo: <b>{ $value } h</b> para dar la opinión
settings-line-min_words = Mínimo de palabras: <b>{ $value }</b> por opinión
settings-line-max_feedback_per_submission = Máximo: <b>{ $value }</b> opiniones por video
settings-line-default_feedback_per_submission = Habitual: <b>{ $value }</b> opiniones por video, si no se indica otra cifra
settings-line-match_by_reciprocity = Priorizar a quien devuelve opiniones: <b>{ $on ->
        [yes] sí
       *[no] no
    }</b>
    Si está activo, las tareas van primero a videos de personas que, según el modelo, opinarán a su vez, y la primera opinión de un video nuevo va a quien termina sus tareas (pasadas { $hours } h, cualquiera puede tomarlo).
settings-line-check_relevance = La opinión debe tratar del video: <b>{ $on ->
        [yes] sí
       *[no] no
    }</b>
settings-line-daily_report_hour = Informe diario: <b>{ $hour ->
        [off] desactivado
       *[other] { $hour } UTC
    }</b>
    Los admins reciben en privado las cifras de ayer y un gráfico a esa hora.
settings-button-credits_per_feedback = Por opinión
settings-button-welcome_credits = Bienvenida
settings-button-credit_by_substance = { $on ->
        [yes] Activar créditos según la sustancia
       *[no] Desactivar créditos según la sustancia
    }
settings-button-max_open_tasks_per_member = Tareas abiertas
settings-button-task_deadline = Plazo
settings-button-min_words = Mínimo de palabras
settings-button-max_feedback_per_submission = Máximo
settings-button-default_feedback_per_submission = Habitual
settings-button-match_by_reciprocity = { $on ->
        [yes] Activar
       *[no] Desactivar
    }
settings-button-check_relevance = { $on ->
        [yes] Comprobar que trate del video
       *[no] Dejar de comprobarlo
    }
settings-button-report-on = Activar (09:00 UTC)
settings-button-report-off = Desactivar
settings-platforms = Se aceptan videos de las plataformas marcadas con ✅. Pulsa una para activarla o desactivarla.
settings-group-language = Lo que publico en el grupo para todo el mundo (envíos completados, pausas) va en: <b>{ $value }</b>.
settings-group-language-auto = el idioma de cada persona
settings-group-language-en = English
settings-group-language-es = Español
settings-saved = ✅ Guardado
settings-limit = { $direction ->
        [down] No puede bajar más: { $value }.
       *[up] No puede subir más: { $value }.
    }
settings-moved = ⚙️ Los ajustes se mudaron a nuestro chat privado: envía /exchange_settings en el grupo para abrirlos.
settings-last-platform = Al menos una plataforma debe quedar activada.
pause-usage = Indica un motivo, por ejemplo: <code>/exchange_pause ola de spam, volvemos esta noche</code>
paused =
    ⏸ En pausa: { $reason }
    No hay tareas nuevas ni verificación hasta que se reanude. { $cancelled ->
        [0] No había ninguna tarea abierta.
        [one] Se canceló una tarea abierta; su plaza vuelve al envío.
       *[other] Se cancelaron { $cancelled } tareas abiertas; sus plazas vuelven a los envíos.
    }
resumed = ▶️ El intercambio vuelve a funcionar.
sanction-usage = Responde al mensaje de la persona con <code>/exchange_{ $command } motivo</code>, o envía <code>/exchange_{ $command } @usuario motivo</code>.
sanction-needs-reason = Añade el motivo: { $name } lo recibe en privado. Por ejemplo: <code>/exchange_{ $command } @usuario opiniones copiadas</code>
sanction-unknown-target = No conozco a esa persona: aún no se ha unido al intercambio.
warned =
    ⚠️ { $name } recibió una advertencia ({ $warnings } en total): { $reason }
    { $name } sigue en el grupo; solo afecta al intercambio.
banned =
    ⛔ { $name } ya no puede participar en el intercambio: { $reason }
    Sus tareas abiertas se cancelaron. { $name } sigue en el grupo; solo afecta al intercambio.
unbanned = ✅ { $name } puede volver a participar en el intercambio.
notice-penalty = { $action ->
        [warn] ⚠️ Recibiste una advertencia en el intercambio de <b>{ $community }</b>: { $reason }
            Sigues en el grupo y en el intercambio (advertencias hasta ahora: { $warnings }).
        [ban] ⛔ Tu acceso al intercambio de <b>{ $community }</b> está suspendido: { $reason }
            Sigues en el grupo; solo se ve afectado el intercambio.
        [cooldown] ⏳ Un admin de <b>{ $community }</b> pausó tus pedidos de opiniones hasta { $until }: { $reason }
            Puedes seguir dando opiniones: así se recupera tu reputación.
       *[unban] ✅ Recuperaste el acceso al intercambio de <b>{ $community }</b>{ $has_reason ->
                [yes] : { $reason }
               *[no] .
            }
    }
stats =
    📊 <b>{ $community }</b>{ $paused ->
        [yes] {" "}(en pausa)
       *[no] {""}
    }
    Participantes: { $members }
    Opiniones verificadas: { $verified }
    Tareas en curso: { $open }
audit-title = { $older ->
        [yes] 🧾 <b>{ $community }</b> · acciones anteriores de admins
       *[no] 🧾 <b>{ $community }</b> · acciones recientes de admins
    }
audit-empty = 🧾 <b>{ $community }</b>: aún no hay acciones de admins.
audit-ago = { $unit ->
        [now] ahora
        [min] { $n } min
        [h] { $n } h
       *[d] { $n } d
    }
audit-someone = Admin
audit-pause = { $actor } pausó: { $reason }
audit-resume = { $actor } reanudó el intercambio
audit-warn = { $actor } advirtió a { $target }{ $has_reason ->
        [yes] : { $reason }
       *[no] {""}
    }
audit-ban = { $actor } suspendió a { $target }{ $has_reason ->
        [yes] : { $reason }
       *[no] {""}
    }
audit-unban = { $actor } readmitió a { $target }
audit-owner_confirmed = { $actor } confirmó el comentario retenido de { $target }
audit-moved = { $actor } movió el grupo a su nuevo chat
audit-ring_cleared = { $actor } descartó un grupo marcado como anillo: pueden volver a darse feedback
audit-ring_confirmed = { $actor } confirmó un anillo: sus miembros quedan separados en el reparto de tareas
audit-settings = { $actor } cambió los ajustes
audit-set-credits_per_feedback = { $actor } fijó { $value ->
        [one] un crédito
       *[other] { $value } créditos
    } por opinión
audit-set-welcome_credits = { $actor } fijó { $value ->
        [one] un crédito
       *[other] { $value } créditos
    } de bienvenida
audit-set-max_open_tasks_per_member = { $actor } permitió { $value ->
        [one] una tarea
       *[other] { $value } tareas
    } a la vez
audit-set-task_deadline_s = { $actor } fijó un plazo de { $value } h
audit-set-min_words = { $actor } fijó el mínimo: { $value ->
        [one] una palabra
       *[other] { $value } palabras
    }
audit-set-max_feedback_per_submission = { $actor } fijó el máximo: { $value ->
        [one] una opinión
       *[other] { $value } opiniones
    }
audit-set-default_feedback_per_submission = { $actor } fijó { $value ->
        [one] una opinión habitual
       *[other] { $value } opiniones habituales
    }
audit-set-group_language = { $actor } puso el grupo en { $value }
audit-set-match_by_reciprocity = { $actor } { $value ->
        [yes] activó
       *[no] desactivó
    } el emparejamiento por reciprocidad
audit-set-credit_by_substance = { $actor } { $value ->
        [yes] activó
       *[no] desactivó
    } los créditos según la sustancia
audit-set-check_relevance = { $actor } { $value ->
        [yes] activó
       *[no] desactivó
    } la comprobación de que la opinión trate del video
audit-set-daily_report_hour = { $actor } fijó el informe diario a las { $value }:00 UTC
audit-platform-on = { $actor } activó { $platform }
audit-platform-off = { $actor } desactivó { $platform }

## Seguridad de la entrada y errores

too-long = Ese mensaje tiene { $length } caracteres; leo hasta { $maximum }. Envía algo más corto, por favor.
flood = 🐢 Despacio, son muchos mensajes a la vez. Dame { $seconds } segundos.
unknown-text = Envíame el enlace de un video tuyo para pedir opiniones, o recibe una tarea para dar alguna.
edited-ignored = Solo actúo con mensajes nuevos, no con ediciones. Envíalo otra vez si querías hacerlo.
join-first = Primero únete a una comunidad: pulsa «Unirme al intercambio» en tu grupo.
apology = 😔 Lo siento, algo falló por mi parte. No se perdió nada; inténtalo de nuevo en un momento.
expired-button = Ese botón ya no sirve.

## Códigos de DomainError

error-domain_error = Eso no se puede hacer.
error-not_found = No lo encuentro.
error-community_not_found = No encuentro esa comunidad.
error-member_not_found = No encuentro a ese miembro.
error-submission_not_found = No encuentro ese envío.
error-task_not_found = No encuentro esa tarea.
error-ring_not_found = No encuentro ese grupo marcado.
error-ring_already_decided = Ese grupo ya fue { $status ->
    [cleared] descartado
   *[other] confirmado
}.
error-member_banned = ⛔ Tu acceso a este intercambio está suspendido. Habla con un admin si crees que es un error.
error-login_link_invalid = Ese enlace de acceso no es válido, ha caducado o ya se usó. Envía /dashboard de nuevo.
error-not_your_community = No eres admin de esa comunidad.
error-session_ended = Esta sesión del panel ha terminado. Envía /dashboard para recibir un nuevo enlace de acceso.
error-not_an_admin = Lo siento, solo los admins del grupo pueden hacer eso.
error-community_paused = ⏸ El intercambio está en pausa ahora mismo{ $has_reason ->
        [yes] : { $reason }
       *[no] {""}
    }. Vuelve a intentarlo cuando un admin lo reanude.
error-community_not_paused = El intercambio no está en pausa.
error-chat_taken = El nuevo chat de este grupo ya tiene una comunidad con miembros; el operador tiene que unir las dos.
error-invalid_settings = Ese ajuste no es válido: { $detail }
error-insufficient_credits = Necesitas <b>{ $needed }</b> créditos y tienes <b>{ $available }</b>. Opina para ganar más.
error-duplicate_posting = Esos créditos ya se movieron.
error-invalid_amount = Esa cantidad de créditos no es válida.
error-self_transfer = Los créditos no pueden ir a la misma cuenta.
error-platform_not_allowed = Esta comunidad no acepta contenido de { $platform }. Se aceptan: { $allowed }.
error-no_channel_linked = { $has_platform ->
        [yes] Primero vincula tu canal de { $platform }.
       *[no] Primero vincula tu canal.
    }
error-channel_already_linked = Ese canal ya está vinculado a otro miembro de esta comunidad.
error-not_your_content = No es de un canal que hayas vinculado. Solo puedes pedir opiniones sobre tu propio trabajo.
error-duplicate_submission = Ese video ya está esperando opiniones aquí.
error-channel_is_not_content = Es la página de un canal de { $platform }. Para pedir opiniones, envía el enlace de uno de tus videos.
error-invalid_feedback_count = Pide entre 1 y { $maximum } opiniones, no { $wanted }.
error-proof_not_started = Primero vincula tu canal: te daré un código para publicar.
error-proof_expired = Ese código caducó. Pide uno nuevo:
error-proof_not_found = Aún no encuentro el código <code>{ $proof_code }</code> ahí. Debe publicarse desde el propio canal del video (o en el texto de tu publicación). Compruébalo y vuelve a enviar el enlace.
error-not_your_task = Esa tarea no es tuya.
error-not_the_recipient = Solo quien recibió esta opinión puede calificarla. ¡Gracias por el interés!
error-rating_locked = Esta calificación ya es definitiva: se puede cambiar durante 24 horas después de la primera marca.
error-invalid_mark = Una marca es un número del 1 al 5.
error-illegal_transition = Eso ya no se puede hacer: ya ha avanzado.
error-task_deadline_passed = ⌛ El plazo de esta tarea ya pasó.
error-too_many_open_tasks = Ya tienes { $open_tasks } tareas abiertas (el límite es { $maximum }). Termina u omite una primero.
error-no_task_available = { $opens_within_h ->
        [0] Ahora mismo no hay nada esperando opiniones. ¡Vuelve a intentarlo más tarde!
       *[other] Ahora mismo no hay nada abierto para ti: un video nuevo va primero a quien termina sus tareas, y se abre a todos en { $opens_within_h } h como mucho. Si terminas las tareas que tomas, te llegarán videos nuevos antes.
    }
error-submission_closed = Ese envío ya está { $status }.
error-not_your_submission = Ese envío no es tuyo.
error-text_too_long = Ese texto tiene { $length } caracteres; el límite es { $maximum }.
error-content_unavailable = Ese video no está disponible públicamente (borrado, privado o bloqueado en tu región).
error-platform_unavailable = { $platform } no responde ahora mismo. Inténtalo de nuevo en unos minutos.
error-unsupported_link = { $why } { $accepted }
error-short_link_needs_lookup = Es un enlace corto de TikTok y ahora no pude averiguar a dónde lleva. Ábrelo y envíame la dirección completa que aparece en el navegador, o vuelve a enviar el enlace corto en unos minutos.

## Por qué se rechazó un enlace, y qué se acepta en su lugar

link-accepted = Envía el enlace de un video, Short o canal de YouTube, un video, publicación de fotos o perfil de TikTok, o una publicación, reel o perfil de Instagram.
link-send-content = Envíame el enlace de { $forms }.
link-form-youtube = un video o Short de YouTube
link-form-tiktok = un video o publicación de fotos de TikTok
link-form-instagram = una publicación o reel de Instagram
link-forms-or = { $first } o { $last }
link-why-empty = Ahí no hay ningún enlace.
link-why-too_long = Es demasiado largo para ser un enlace (más de { $maximum } caracteres).
link-why-not_a_link = Eso no parece un enlace web.
link-why-scheme = Solo se aceptan enlaces web (http o https).
link-why-credentials = Nunca se aceptan enlaces con un usuario o una contraseña dentro.
link-why-port = No se aceptan enlaces con un número de puerto.
link-why-non_ascii_host = El nombre del sitio usa letras no latinas o codificadas, como hacen los enlaces que imitan a otros.
link-why-lookalike_host = Ese sitio solo se parece a YouTube, TikTok o Instagram.
link-why-unknown_site = Ese sitio no está admitido.
link-why-unsupported_page = Esa página no es un único video, publicación o perfil.
link-why-invalid_id = Falta el identificador del video o la publicación, o está mal formado.
link-why-playlist = Es una lista de reproducción, no un video.
link-why-search = Es una página de búsqueda, no un video o publicación.
link-why-hashtag = Es una página de hashtag, no un video o publicación.
link-why-feed = Es un feed, no un video o publicación.
link-why-explore = Es una página de explorar, no un video o publicación.
link-why-sound = Es una página de sonido, no un video o publicación.
link-why-story = Las historias desaparecen en un día, así que aquí no pueden recibir opiniones.
link-why-live = Es una página en directo, no un video guardado.
link-why-share_link = Es un enlace para compartir que oculta la publicación; ábrelo y copia la dirección propia de la publicación.
link-why-clip = Es un clip de una parte de un video; envía el enlace del propio video.

## Operations

error-exchange_paused = ⏸ Quien opera el intercambio lo pausó por completo por ahora. No se pierde nada: los comentarios que esperan verificación conservan su tiempo. Vuelve a intentarlo más tarde.
error-exchange_not_paused = El intercambio no está pausado por completo.
cancel-reason-exchange_paused = el intercambio se pausó para todas las personas.
anomaly-kind-verification_errors = La verificación sigue fallando
anomaly-kind-platform_outage = Una plataforma no responde
anomaly-kind-spam_wave = Una ola de spam
anomaly-kind-queue_backlog = Se acumulan tareas en segundo plano
anomaly-kind-stuck_tasks = Hay tareas atascadas
anomaly-kind-job_failures = Un proceso en segundo plano sigue fallando
anomaly-detail-verification_errors = Fallaron { $errors } de { $passes } pasadas de verificación en { $minutes } min.
anomaly-detail-platform_outage = { $platform }: { $failures } lecturas fallidas seguidas; las lecturas están en espera ({ $breaker }).
anomaly-detail-spam_wave = El filtro de calidad rechazó { $last_hour } comentarios en la última hora (lo normal: { $normal_per_hour } por hora).
anomaly-detail-queue_backlog = Los procesos esperan { $age_s } s antes de que un worker los tome.
anomaly-detail-stuck_tasks = { $count } tareas llevan más de { $minutes } min de retraso para su próxima revisión.
anomaly-detail-job_failures = El proceso { $job } falló { $errors } veces en { $minutes } min.
anomaly-where-everything = todo el intercambio
anomaly-where-community = la comunidad “{ $community }”
anomaly-where-job = los workers
notice-anomaly_opened = ⚠️ <b>{ $what }</b> ({ $where })
    { $detail }
    Gravedad: { $severity } de 1.{ $paused ->
        [yes] {" "}⏸ Se pausó automáticamente hasta que alguien lo reanude.
       *[no] {""}
    }
notice-anomaly_cleared = ✅ Terminó: <b>{ $what }</b> ({ $where }), después de { $lasted }.{ $paused ->
        [yes] {" "}Sigue en pausa hasta que alguien lo reanude.
       *[no] {""}
    }
ops-duration-hours = { $hours } h { $minutes } min
ops-duration-minutes = { $minutes } min
report-chart-title = { $community }: tareas y comentarios verificados, { $first }–{ $last } (UTC)
report-chart-tasks = tareas
report-chart-verified = verificados
report-caption = 📊 <b>Informe diario, { $day }</b>
    { $chart }
    Tareas: { $assigned } · verificadas: { $verified } · rechazadas: { $rejected } · vencidas: { $expired }
    Tasa de éxito: { $rate }
    Quienes más aportaron: { $givers }
    No encontraron nada que comentar: { $asked_in_vain ->
        [0] nadie
        [one] una persona (más envíos la mantendrían aportando)
       *[other] { $asked_in_vain } personas (más envíos las mantendrían aportando)
    }
    Problemas abiertos: { $problems }
report-no-givers = nadie todavía
report-no-problems = ninguno
operator-only = Este comando es para quienes operan el intercambio.
operator-status = { $paused ->
        [yes] ⏸ <b>Todo el intercambio está en pausa</b> desde { $since } por { $by }: { $reason }
       *[no] ▶️ <b>El intercambio está funcionando.</b>
    }
    Comunidades: { $communities } ({ $communities_paused } en pausa)
    Problemas abiertos: { $anomalies }
    Workers: { $workers }
operator-status-anomaly = • { $what } ({ $where }), gravedad { $severity }
operator-paused-all = ⏸ Todo el intercambio está en pausa: { $reason }
    Se cancelaron sin culpa { $cancelled } tareas sin terminar. Usa /operator_resume_all para reanudarlo.
operator-resumed-all = ▶️ El intercambio vuelve a funcionar (estuvo en pausa { $lasted }).
operator-paused-one = ⏸ La comunidad { $community } está en pausa: { $reason }
operator-resumed-one = ▶️ La comunidad { $community } vuelve a funcionar.
operator-usage-pause-all = Di el motivo: /operator_pause_all &lt;motivo&gt;
operator-usage-community = Indica la comunidad por su número: /operator_pause &lt;id&gt; &lt;motivo&gt; o /operator_resume &lt;id&gt;

## Juego limpio (issue 19 §3-4): sanciones con motivo, apelaciones, reputación, pausas, admisión
penalty-appeal-hint = Si crees que es un error, puedes apelar una vez: <code>/exchange_appeal { $penalty } tus motivos</code>
penalty-kind = { $kind ->
        [warn] advertencia
        [cooldown] pausa
       *[ban] suspensión
    }
me-health = Reputación: <b>{ $percent } %</b>{ $low ->
        [yes] {" "}(baja: tus pedidos de opiniones esperan un tiempo; las opiniones verificadas la suben)
       *[no] {""}
    }
me-health-new = Reputación: <b>sin historial aún</b> (las opiniones verificadas la suben)
me-penalties = <b>Sanciones vigentes</b>
me-penalty-item = • #{ $id } { $kind }: { $reason }{ $has_until ->
        [yes] {" "}· hasta { $until }
       *[no] {""}
    } · { $rule ->
        [admin] puesta por un admin
       *[other] regla { $rule }
    }{ $has_tasks ->
        [yes] , tareas { $tasks }
       *[no] {""}
    }{ $appealed ->
        [yes] {" "}· apelada
       *[no] {""}
    }
me-penalties-appeal = Para apelar una, una sola vez: <code>/exchange_appeal número tus motivos</code>
appeal-usage = Explica a los admins en un mensaje por qué debería levantarse la sanción: <code>/exchange_appeal tus motivos</code> (o <code>/exchange_appeal número tus motivos</code> para una sanción de /me).
appeal-filed = 📨 Tu apelación sobre la { $kind } (#{ $penalty }) llegó a los admins de <b>{ $community }</b>. Aquí recibirás su decisión.
notice-appeal_opened =
    📨 Apelación en <b>{ $community }</b> de { $name } sobre su { $kind } (#{ $penalty }: { $reason }):
    <blockquote>{ $text }</blockquote>
notice-appeal_decided = { $upheld ->
        [yes] ✅ Los admins de <b>{ $community }</b> aceptaron tu apelación: tu { $kind } queda sin efecto.
       *[no] ❌ Los admins de <b>{ $community }</b> rechazaron tu apelación: tu { $kind } se mantiene.
    }
appeals-title = 📨 <b>{ $community }</b> · apelaciones pendientes: { $count }
appeals-empty = 📨 <b>{ $community }</b>: no hay apelaciones pendientes.
appeals-item = #{ $appeal } · { $name } · { $kind } ({ $reason }): “{ $text }”
appeal-decided-admin = { $upheld ->
        [yes] ✅ Apelación #{ $appeal } de { $name } aceptada: la { $kind } queda sin efecto y { $name } recibe el aviso.
       *[no] ❌ Apelación #{ $appeal } de { $name } rechazada: la { $kind } se mantiene y { $name } recibe el aviso.
    }
button-appeal-uphold = ✅ Levantar #{ $appeal }
button-appeal-reject = ❌ Mantener #{ $appeal }
button-appeals = 📨 Apelaciones
cooldown-refused = { $cause ->
        [penalty] ⏳ Un admin pausó tus pedidos de opiniones: podrás pedir de nuevo { $until }.
       *[health] ⏳ Tu reputación en este intercambio es baja ({ $percent } %), así que tus pedidos de opiniones esperan: podrás pedir de nuevo { $until }.
    } Mientras tanto, dar opiniones mejora tu reputación.
admission-closed = 🚧 <b>{ $community }</b> ya recibió hoy a todas las personas nuevas que admite por día. Vuelve { $when }.
penalized = { $kind ->
        [warn] ⚠️ { $name } recibió una advertencia (siguiente paso de la escala): { $reason }
        [cooldown] ⏳ { $name } no puede pedir opiniones durante { $hours } h (siguiente paso de la escala): { $reason }
       *[ban] ⛔ { $name } ya no puede participar en el intercambio (último paso de la escala): { $reason }
    }
cmd-exchange_penalize = Siguiente sanción de la escala, con un motivo (admins)
cmd-exchange_appeals = Apelaciones por decidir, en privado (admins)
error-cooldown_active = ⏳ Aún no puedes pedir opiniones. Mientras tanto, dar opiniones mejora tu reputación.
error-admission_closed = 🚧 Esta comunidad ya recibió hoy a todas las personas nuevas que admite por día. Vuelve mañana.
error-penalty_not_found = No tienes ninguna sanción vigente con ese número. Consulta /me.
error-nothing_to_appeal = No tienes ninguna sanción vigente que apelar.
error-appeal_already_filed = Ya apelaste esa sanción: cada sanción se puede apelar una sola vez.
error-appeal_not_found = Esa apelación no existe (o no es de tu comunidad).
error-appeal_already_decided = Esa apelación ya se decidió.
error-appeal_text_missing = Explica en pocas palabras por qué debería levantarse la sanción: <code>/exchange_appeal tus motivos</code>
audit-cooldown = { $actor } pausó los pedidos de { $target }{ $has_reason ->
        [yes] : { $reason }
       *[no] {""}
    }
audit-appeal = { $actor } apeló una sanción{ $has_reason ->
        [yes] : { $reason }
       *[no] {""}
    }
audit-appeal_upheld = { $actor } aceptó la apelación de { $target }
audit-appeal_rejected = { $actor } rechazó la apelación de { $target }
audit-set-penalty_cooldown_hours = { $actor } fijó las pausas en { $value } h
audit-set-warning_expiry_days = { $actor } hizo que las advertencias caduquen a los { $value } días
audit-set-health_threshold_pct = { $actor } fijó el umbral de reputación en { $value } %
audit-set-admission_cap_per_day = { $actor } limitó a { $value } las personas nuevas por día (0: sin límite)
audit-set-penalty_ladder = { $actor } fijó la escala de sanciones en { $value }
settings-section-fairplay = ⚖️ Juego limpio
settings-line-penalty_ladder = Escala: <b>{ $value }</b> (cada sanción vigente sube un paso)
settings-button-penalty_ladder = 🔁 Otra escala
settings-line-penalty_cooldown_hours = Pausa como sanción: <b>{ $value }</b> h sin pedir opiniones
settings-line-warning_expiry_days = Las advertencias caducan a los <b>{ $value }</b> días
settings-line-health_threshold_pct = Umbral de reputación: <b>{ $value } %</b> (por debajo, los pedidos esperan hasta 24 h; 0: desactivado)
settings-line-admission_cap_per_day = Personas nuevas: como máximo <b>{ $value }</b> por día (0: sin límite)
settings-button-penalty_cooldown_hours = Pausa
settings-button-warning_expiry_days = Caducidad
settings-button-health_threshold_pct = Reputación
settings-button-admission_cap_per_day = Nuevas

## Anillos (issue 19 §5): grupos que se dan opiniones sobre todo entre sí, para admins en privado
rings-title = 🕸 <b>{ $community }</b> · grupos que se dan opiniones sobre todo entre sí: { $flagged ->
        [one] { $flagged } marcado
       *[other] { $flagged } marcados
    }, { $confirmed ->
        [one] { $confirmed } confirmado
       *[other] { $confirmed } confirmados
    }
rings-explain = Mientras un grupo está marcado, el reparto de tareas no da a sus miembros el contenido de los otros. Descártalo si son honestos; confírmalo si son un anillo (quedan separados).
rings-empty = 🕸 <b>{ $community }</b>: ningún grupo espera una decisión (anillos confirmados: { $confirmed }).
rings-item = <b>#{ $ring }</b> · { $names } · marcado el { $when }
rings-share = • el <b>{ $share } %</b> de sus intercambios fue entre ellos ({ $inside ->
        [one] { $inside } intercambio
       *[other] { $inside } intercambios
    } dentro del grupo); el reparto por sí solo daría cerca del { $expected } %
rings-timing = • tomaron el contenido de los otros tras { $inside } (lo habitual en la comunidad: { $usual })
rings-texts = • sus opiniones entre ellos comparten el { $across } % de sus pares de palabras{ $has_outsiders ->
        [yes] {" "}(con las opiniones de otros: { $outsiders } %)
       *[no] {""}
    }
rings-more = …y { $count } más: los ves todos en el panel.
ring-decided-admin = { $status ->
        [cleared] ✅ Grupo #{ $ring } ({ $names }) descartado: el reparto de tareas puede volver a darles el contenido de los otros.
       *[other] ⛔ Grupo #{ $ring } ({ $names }) confirmado como anillo: quedan separados en el reparto de tareas. Las sanciones siguen siendo decisión tuya (/exchange_warn, /exchange_ban).
    }
notice-rings_flagged = 🕸 <b>{ $community }</b>: { $count ->
        [one] se marcó un grupo de miembros que se dan
       *[other] se marcaron { $count } grupos de miembros que se dan
    } opiniones sobre todo entre sí. El reparto de tareas los mantiene separados hasta que un admin los descarte o confirme.
button-ring-clear = ✅ Descartar #{ $ring }
button-ring-confirm = ⛔ Confirmar #{ $ring }
button-rings = 🕸 Anillos
cmd-exchange_rings = Grupos que se dan opiniones sobre todo entre sí, en privado (admins)
