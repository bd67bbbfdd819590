// Placeholder: the commands are added in src/cli/.
console.log('relto');
