/* Decap starts itself when its bundle loads unless told otherwise: cms.js starts it once rules.json and
   messages.json are read, so that no field of a profile is ever shown without check's rules. */
window.CMS_MANUAL_INIT = true;
