/** Renderer entry: pick the transport, then mount the app. */
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { chooseTransport } from './lib/transport';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

void chooseTransport(window).then((transport) => mount(App, { target, props: { transport } }));
