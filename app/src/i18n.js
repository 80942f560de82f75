// English and Spanish texts. The language follows the user's locale
// preference once signed in, the browser's language before.
const en = {
  app: 'DoseLoop', signIn: 'Sign in', signOut: 'Sign out', email: 'Email', password: 'Password',
  signInTitle: 'Sign in to DoseLoop', signingIn: 'Signing in…', sessionEnded: 'Your session has ended. Please sign in again.',
  badLogin: 'That email and password do not match. Please try again.',
  today: 'Today', history: 'History', people: 'Caregivers', settings: 'Settings', dispenser: 'Dispenser',
  patients: 'My patients', alerts: 'Alerts', invitations: 'Invitations',
  todayTitle: 'Today’s medication', noDoses: 'No doses scheduled for today.', timeZoneNote: 'Times are in {zone}.',
  take: 'Taken', skip: 'Skip', snooze: 'Snooze 15 min', skipReason: 'Why are you skipping this dose?',
  skipConfirm: 'Skip dose', cancel: 'Cancel', reasonRequired: 'Please give a reason.',
  st_pending: 'Due', st_taken: 'Taken', st_skipped: 'Skipped', st_missed: 'Missed', st_cancelled: 'Cancelled', st_queued: 'Saved on this phone, will be sent when online',
  takenAt: 'Taken at {time}', skippedWhy: 'Skipped: {reason}', snoozedUntil: 'Snoozed until {time}', fromDispenser: 'recorded by the dispenser',
  recordedTaken: 'Recorded as taken.', recordedSkipped: 'Recorded as skipped.', snoozed: 'Reminder snoozed for 15 minutes.',
  asNeeded: 'As-needed medication', logDose: 'Log a dose of {med}', logged: 'Dose logged.',
  nextAllowed: 'Next dose allowed at {time}.', limitInfo: 'At most {count} in {period}.', allowedNow: 'You may take a dose now.',
  queued: 'You are offline. The action is saved and will be sent when the connection returns.',
  sentQueued: 'Your saved action was sent.', offline: 'You are offline. Showing the last saved information.',
  adherenceTitle: 'How am I doing?', days: '{n} days', noData: 'no doses due yet',
  takenOf: '{taken} of {scheduled} doses taken', recent: 'Recent doses',
  caregiversTitle: 'My caregivers', invite: 'Invite a caregiver', inviteEmail: 'Caregiver’s email', sendInvite: 'Send invitation',
  invited: 'Invitation sent.', pending: 'Invitation pending', active: 'Active', endLink: 'Remove {name}', ended: 'Removed.', noCaregivers: 'No caregivers yet.',
  prefsTitle: 'Preferences', language: 'Language', zone: 'Time zone (for example America/New_York)', travel: 'When I travel',
  travelHome: 'Keep my home times', travelLocal: 'Follow the local clock', quietStart: 'Quiet hours start', quietEnd: 'Quiet hours end',
  privateLock: 'Private lock screen (do not show medication names in notifications)', save: 'Save', saved: 'Saved.',
  pushTitle: 'Notifications', pushOff: 'Push notifications are off: this server has no Firebase web configuration.',
  pushOn: 'Push notifications are on for this browser.', pushEnable: 'Turn on notifications', pushDenied: 'Notifications are blocked in this browser’s settings.',
  pushUnsupported: 'This browser cannot receive push notifications.',
  dispTitle: 'My dispenser', dispNone: 'No dispenser is linked to you.', dispOnline: 'Online', dispOffline: 'Offline',
  lastSeen: 'Last contact: {time}', battery: 'Battery: {pct}%', recentActivity: 'Recent activity', never: 'never',
  ev_dose_taken: 'Dose taken', ev_dose_missed: 'Dose not taken', ev_compartment_opened: 'Compartment opened', ev_refill_low: 'Refill needed soon', ev_battery_low: 'Battery low', ev_tamper: 'Tampering detected', ev_error: 'Device error',
  glanceTitle: 'My patients today', onTrack: 'On track', missedSome: 'Missed {n}', openAlerts: '{n} open alerts',
  noPatients: 'No linked patients yet.', viewDay: 'See {name}’s day', mute: 'Mute non-critical alerts for 8 hours', unmute: 'Unmute', mutedUntil: 'Muted until {time}',
  alertsTitle: 'Alerts', noAlerts: 'No alerts.', ack: 'Acknowledge', acked: 'Acknowledged.', ackedBy: 'Acknowledged at {time}',
  closed: 'Closed ({reason})', delivery: 'Delivery', dl_sent: 'delivered', dl_pending: 'waiting', dl_retry: 'retrying', dl_dead: 'not delivered', dl_deferred: 'waiting for quiet hours to end', dl_claimed: 'sending',
  ak_missed_dose: 'Missed dose', ak_device_offline: 'Dispenser offline', critical: 'critical',
  invTitle: 'Invitations', noInvitations: 'No invitations.', accept: 'Accept', decline: 'Decline', invFrom: '{name} invites you to be a caregiver.', accepted: 'Invitation accepted.', declined: 'Invitation declined.',
  definition: 'Definition', loading: 'Loading…', error: 'Something went wrong. Please try again.', retry: 'Try again', back: 'Back',
  r_already_taken: 'This dose is already recorded as taken{at}.', r_dose_taken: 'This dose is already recorded as taken.',
  r_dose_skipped: 'This dose was already recorded as skipped.', r_dose_missed: 'This dose is already marked as missed.',
  r_dose_cancelled: 'This dose was cancelled by your care team.', r_dose_changed: 'This dose changed meanwhile. The list has been refreshed.',
  r_snooze_limit: 'This reminder has already been snoozed 3 times.', r_prn_limit: 'You have reached the limit for this medication.{next}',
  r_too_early: 'It is too early to record this dose.{window}', r_too_late: 'It is too late to record this dose now.{window}',
  r_window: ' It can be recorded between {from} and {to}.', r_generic: 'This could not be done right now.',
  r_unauthorized: 'Please sign in again.', r_not_found: 'This item no longer exists.',
  patientDay: '{name}’s day', lang_en: 'English', lang_es: 'Español', skipLink: 'Skip to content', mainNav: 'Main',
};
const es = {
  app: 'DoseLoop', signIn: 'Iniciar sesión', signOut: 'Cerrar sesión', email: 'Correo electrónico', password: 'Contraseña',
  signInTitle: 'Inicie sesión en DoseLoop', signingIn: 'Iniciando sesión…', sessionEnded: 'Su sesión terminó. Inicie sesión de nuevo.',
  badLogin: 'El correo y la contraseña no coinciden. Inténtelo de nuevo.',
  today: 'Hoy', history: 'Historial', people: 'Cuidadores', settings: 'Ajustes', dispenser: 'Dispensador',
  patients: 'Mis pacientes', alerts: 'Alertas', invitations: 'Invitaciones',
  todayTitle: 'Medicación de hoy', noDoses: 'No hay dosis programadas para hoy.', timeZoneNote: 'Horas en {zone}.',
  take: 'Tomada', skip: 'Omitir', snooze: 'Posponer 15 min', skipReason: '¿Por qué omite esta dosis?',
  skipConfirm: 'Omitir dosis', cancel: 'Cancelar', reasonRequired: 'Indique un motivo.',
  st_pending: 'Pendiente', st_taken: 'Tomada', st_skipped: 'Omitida', st_missed: 'No tomada', st_cancelled: 'Cancelada', st_queued: 'Guardada en este teléfono; se enviará al recuperar la conexión',
  takenAt: 'Tomada a las {time}', skippedWhy: 'Omitida: {reason}', snoozedUntil: 'Pospuesta hasta las {time}', fromDispenser: 'registrada por el dispensador',
  recordedTaken: 'Registrada como tomada.', recordedSkipped: 'Registrada como omitida.', snoozed: 'Recordatorio pospuesto 15 minutos.',
  asNeeded: 'Medicación a demanda', logDose: 'Registrar una dosis de {med}', logged: 'Dosis registrada.',
  nextAllowed: 'Próxima dosis permitida a las {time}.', limitInfo: 'Como máximo {count} en {period}.', allowedNow: 'Puede tomar una dosis ahora.',
  queued: 'Sin conexión. La acción se guardó y se enviará cuando vuelva la conexión.',
  sentQueued: 'Se envió la acción guardada.', offline: 'Sin conexión. Se muestra la última información guardada.',
  adherenceTitle: '¿Cómo voy?', days: '{n} días', noData: 'aún no hay dosis vencidas',
  takenOf: '{taken} de {scheduled} dosis tomadas', recent: 'Dosis recientes',
  caregiversTitle: 'Mis cuidadores', invite: 'Invitar a un cuidador', inviteEmail: 'Correo del cuidador', sendInvite: 'Enviar invitación',
  invited: 'Invitación enviada.', pending: 'Invitación pendiente', active: 'Activo', endLink: 'Quitar a {name}', ended: 'Quitado.', noCaregivers: 'Aún no tiene cuidadores.',
  prefsTitle: 'Preferencias', language: 'Idioma', zone: 'Zona horaria (por ejemplo America/Mexico_City)', travel: 'Cuando viajo',
  travelHome: 'Mantener las horas de casa', travelLocal: 'Seguir la hora local', quietStart: 'Inicio de horas de silencio', quietEnd: 'Fin de horas de silencio',
  privateLock: 'Pantalla de bloqueo privada (no mostrar nombres de medicamentos en las notificaciones)', save: 'Guardar', saved: 'Guardado.',
  pushTitle: 'Notificaciones', pushOff: 'Las notificaciones push están desactivadas: este servidor no tiene configuración web de Firebase.',
  pushOn: 'Las notificaciones push están activadas en este navegador.', pushEnable: 'Activar notificaciones', pushDenied: 'Las notificaciones están bloqueadas en la configuración del navegador.',
  pushUnsupported: 'Este navegador no puede recibir notificaciones push.',
  dispTitle: 'Mi dispensador', dispNone: 'No tiene un dispensador asignado.', dispOnline: 'Conectado', dispOffline: 'Sin conexión',
  lastSeen: 'Último contacto: {time}', battery: 'Batería: {pct} %', recentActivity: 'Actividad reciente', never: 'nunca',
  ev_dose_taken: 'Dosis tomada', ev_dose_missed: 'Dosis no tomada', ev_compartment_opened: 'Compartimento abierto', ev_refill_low: 'Pronto hará falta recargar', ev_battery_low: 'Batería baja', ev_tamper: 'Manipulación detectada', ev_error: 'Error del dispositivo',
  glanceTitle: 'Mis pacientes hoy', onTrack: 'Al día', missedSome: '{n} no tomadas', openAlerts: '{n} alertas abiertas',
  noPatients: 'Aún no tiene pacientes vinculados.', viewDay: 'Ver el día de {name}', mute: 'Silenciar alertas no críticas 8 horas', unmute: 'Quitar silencio', mutedUntil: 'Silenciado hasta las {time}',
  alertsTitle: 'Alertas', noAlerts: 'No hay alertas.', ack: 'Confirmar aviso', acked: 'Aviso confirmado.', ackedBy: 'Confirmada a las {time}',
  closed: 'Cerrada ({reason})', delivery: 'Entrega', dl_sent: 'entregada', dl_pending: 'en espera', dl_retry: 'reintentando', dl_dead: 'no entregada', dl_deferred: 'esperando fin de horas de silencio', dl_claimed: 'enviando',
  ak_missed_dose: 'Dosis no tomada', ak_device_offline: 'Dispensador sin conexión', critical: 'crítica',
  invTitle: 'Invitaciones', noInvitations: 'No hay invitaciones.', accept: 'Aceptar', decline: 'Rechazar', invFrom: '{name} le invita a ser su cuidador.', accepted: 'Invitación aceptada.', declined: 'Invitación rechazada.',
  definition: 'Definición', loading: 'Cargando…', error: 'Algo salió mal. Inténtelo de nuevo.', retry: 'Reintentar', back: 'Volver',
  r_already_taken: 'Esta dosis ya está registrada como tomada{at}.', r_dose_taken: 'Esta dosis ya está registrada como tomada.',
  r_dose_skipped: 'Esta dosis ya se registró como omitida.', r_dose_missed: 'Esta dosis ya está marcada como no tomada.',
  r_dose_cancelled: 'Su equipo médico canceló esta dosis.', r_dose_changed: 'Esta dosis cambió mientras tanto. Se actualizó la lista.',
  r_snooze_limit: 'Este recordatorio ya se pospuso 3 veces.', r_prn_limit: 'Alcanzó el límite de este medicamento.{next}',
  r_too_early: 'Todavía es pronto para registrar esta dosis.{window}', r_too_late: 'Ya es tarde para registrar esta dosis.{window}',
  r_window: ' Puede registrarse entre las {from} y las {to}.', r_generic: 'No se pudo hacer en este momento.',
  r_unauthorized: 'Inicie sesión de nuevo.', r_not_found: 'Este elemento ya no existe.',
  patientDay: 'El día de {name}', lang_en: 'English', lang_es: 'Español', skipLink: 'Saltar al contenido', mainNav: 'Principal',
};
const catalogs = { en, es };
let lang = pick(navigator.language);

/** pick maps a locale like "es-MX" to a supported language. */
export function pick(locale) {
  const l = String(locale || '').toLowerCase().split(/[-_]/)[0];
  return catalogs[l] ? l : 'en';
}

/** setLanguage switches the language of later t() calls and the page. */
export function setLanguage(locale) {
  lang = pick(locale);
  document.documentElement.lang = lang;
}

/** language is the current language code. */
export function language() { return lang; }

/** t returns the text for key with {placeholders} filled in. */
export function t(key, vars = {}) {
  const s = catalogs[lang][key] ?? en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? ''));
}

/** time formats an instant as a wall-clock time in zone. */
export function time(iso, zone) {
  if (!iso) return '';
  try {
    return new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit', timeZone: zone || undefined }).format(new Date(iso));
  } catch { return new Date(iso).toLocaleTimeString(lang); }
}

/** dateTime formats an instant with its date. */
export function dateTime(iso, zone) {
  if (!iso) return '';
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone || undefined }).format(new Date(iso));
  } catch { return new Date(iso).toLocaleString(lang); }
}
