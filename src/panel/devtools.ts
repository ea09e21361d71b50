// The DevTools page: it only creates the panel.
import browser from 'webextension-polyfill';

void browser.devtools.panels.create('Frame Security', 'icons/icon-32.png', 'panel.html');
