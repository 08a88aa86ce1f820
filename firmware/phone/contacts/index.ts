export { ContactBook, CONTACTS_LIMIT } from './contact-book.js';
export { ContactsError, normaliseNumber, type Contact, type ContactNumber } from './contact.js';
export { parseVCards, formatVCards } from './vcard.js';
export { parseContactsCsv, formatContactsCsv, CSV_HEADER } from './csv.js';
