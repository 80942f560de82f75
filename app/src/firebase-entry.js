// The part of the Firebase JS SDK the app uses, bundled by `go generate
// ./app` into vendor/firebase.js (an ES module, committed; no Node at run time).
export { initializeApp } from 'firebase/app';
export { getMessaging, getToken, deleteToken, isSupported } from 'firebase/messaging';
