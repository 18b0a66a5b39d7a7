// Icons as inline SVG: no icon font or emoji, which a server's browser (or Debian's headless chromium) may lack.

export function LinkIcon() {
  return (
    <svg class="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <path
        fill="currentColor"
        d="M6.9 9.1a.75.75 0 0 1 0-1.06l2.12-2.12a.75.75 0 1 1 1.06 1.06L7.96 9.1a.75.75 0 0 1-1.06 0ZM4.4 8.5 3.3 9.6a2.25 2.25 0 0 0 3.18 3.18l1.1-1.1a.75.75 0 1 1 1.06 1.06l-1.1 1.1A3.75 3.75 0 0 1 2.24 8.54l1.1-1.1A.75.75 0 1 1 4.4 8.5Zm7.2-1 1.1-1.1A2.25 2.25 0 0 0 9.52 3.22l-1.1 1.1a.75.75 0 1 1-1.06-1.06l1.1-1.1a3.75 3.75 0 0 1 5.3 5.3l-1.1 1.1A.75.75 0 1 1 11.6 7.5Z"
      />
    </svg>
  );
}

export function TableIcon() {
  return (
    <svg class="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <path fill="currentColor" d="M1.5 2h13a.5.5 0 0 1 .5.5v11a.5.5 0 0 1-.5.5h-13a.5.5 0 0 1-.5-.5v-11a.5.5 0 0 1 .5-.5ZM2.5 6v3h4V6h-4Zm5.5 0v3h5.5V6H8ZM2.5 10.5V13h4v-2.5h-4Zm5.5 0V13h5.5v-2.5H8Z" />
    </svg>
  );
}

export function SearchIcon() {
  return (
    <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path fill="currentColor" d="M10.68 11.74a6 6 0 1 1 1.06-1.06l3.04 3.04a.75.75 0 1 1-1.06 1.06l-3.04-3.04ZM11.5 7a4.5 4.5 0 1 0-9 0 4.5 4.5 0 0 0 9 0Z" />
    </svg>
  );
}
