// The 3D view of a designed structure in spinodoid's report.html: the solid's surface, rotate and zoom.
// Bundled with three.js into src/Spinodoid/Reports/vendor/structure-viewer.js by build.sh; the report inlines
// that file, so the page needs no network. Data: see DesignReport.StructureView (C#).
import {
  BoxGeometry, BufferAttribute, BufferGeometry, Color, DirectionalLight, DoubleSide, EdgesGeometry,
  HemisphereLight, LineBasicMaterial, LineSegments, Mesh, MeshPhongMaterial, PerspectiveCamera, Scene,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

// Base64 of gzip bytes → the inflated bytes (DecompressionStream: every browser since 2023).
async function inflate(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function show(canvas, data) {
  const [packedPositions, packedIndices] = await Promise.all([inflate(data.positions), inflate(data.indices)]);
  // Positions: x, y, z quantised to 16 bits over the box; indices: differences of consecutive indices.
  const quantised = new Uint16Array(packedPositions.buffer, 0, packedPositions.byteLength / 2);
  const positions = new Float32Array(quantised.length);
  for (let i = 0; i < quantised.length; i++) positions[i] = (quantised[i] / 65535 - 0.5) * data.size[i % 3];
  const deltas = new Int32Array(packedIndices.buffer, 0, packedIndices.byteLength / 4);
  const index = new Uint32Array(deltas.length);
  for (let i = 0, last = 0; i < deltas.length; i++) index[i] = last += deltas[i];

  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  geometry.setIndex(new BufferAttribute(index, 1));
  geometry.computeVertexNormals();

  const scene = new Scene();
  scene.background = new Color(0xffffff);
  scene.add(new Mesh(geometry, new MeshPhongMaterial({ color: 0x3d5f96, specular: 0x444444, shininess: 30, side: DoubleSide })));
  const [sx, sy, sz] = data.size;
  scene.add(new LineSegments(new EdgesGeometry(new BoxGeometry(sx, sy, sz)), new LineBasicMaterial({ color: 0x888888 })));
  scene.add(new HemisphereLight(0xffffff, 0x8899aa, 2.6));
  const sun = new DirectionalLight(0xffffff, 2.0);
  sun.position.set(1, 1.5, 2);
  scene.add(sun);

  const renderer = new WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(window.devicePixelRatio || 1);
  renderer.setSize(canvas.clientWidth || canvas.width, canvas.clientHeight || canvas.height, false);
  const extent = Math.max(sx, sy, sz);
  const camera = new PerspectiveCamera(35, canvas.width / canvas.height, extent / 100, extent * 20);
  // z up, as in the slices: looking from the (+x, −y, +z) octant.
  camera.up.set(0, 0, 1);
  camera.position.set(1.7 * extent, -2.1 * extent, 1.5 * extent);
  const controls = new OrbitControls(camera, canvas);
  const render = () => renderer.render(scene, camera);
  controls.addEventListener('change', render);
  render();
  // For checks in a headless browser: the fraction of the canvas the first frame painted (not background).
  const gl = renderer.getContext();
  const [w, h] = [gl.drawingBufferWidth, gl.drawingBufferHeight];
  const pixels = new Uint8Array(4 * w * h);
  gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
  let painted = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 235 || pixels[i + 1] < 235 || pixels[i + 2] < 235) painted++;
  canvas.dataset.painted = (painted / (w * h)).toFixed(4);
  canvas.dataset.rendered = String(index.length / 3);
}

window.spinodoidViewer = (canvas, data) =>
  show(canvas, data).catch((error) => {
    const note = document.createElement('p');
    note.textContent = `The 3D view could not be drawn here (${error}); the slices above show the same structure.`;
    canvas.replaceWith(note);
    console.error(error);
  });
